"""Search and filtered-list latency over 100,000 multilingual titles, through the HTTP API.

Loads a synthetic catalogue (titles and synopses in Chinese, Russian, Kazakh, Arabic, English and
Spanish) into a fresh SQLite database, starts the real server (uvicorn, one process) and measures
p50/p95 of full-text searches and filtered lists against the same server's /healthz as baseline.

    uv run python bench/search_bench.py [--titles 100000] [--requests 300]

Target: p95 of a full-text search under 50 ms on SQLite on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import insert, text
from sqlmodel import Session

from catalogue import migrate, search
from catalogue.accounts import service as accounts
from catalogue.db import make_engine
from catalogue.models import Role, Title, TitleLocalization, TitleSearch, TitleTag
from catalogue.models.accounts import UserCreate
from catalogue.settings import Settings

console = Console()
RNG = random.Random(20250129)  # Spring Festival 2025

ALPHABETS = {
    "ru": "абвгдежзиклмнопрстуфхцчшщыэюя",
    "kk": "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшыіэюя",
    "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "en": "abcdefghijklmnopqrstuvwxyz",
    "es": "abcdefghijlmnopqrstuvzáéíóúñ",
}
HAN = [chr(c) for c in RNG.sample(range(0x4E00, 0x9FA5), 2500)]
VOCABULARY = {
    lang: ["".join(RNG.choice(letters) for _ in range(RNG.randint(3, 9))) for _ in range(8000)]
    for lang, letters in ALPHABETS.items()
}


def zipf_word(lang: str) -> str:
    words = VOCABULARY[lang]
    return words[
        min(int(RNG.paretovariate(1.1)) - 1, len(words) - 1)
        if RNG.random() < 0.3
        else RNG.randrange(len(words))
    ]


def sentence(lang: str, words: int) -> str:
    if lang == "zh-Hans":
        return "".join(RNG.choice(HAN) for _ in range(words * 2))
    return " ".join(zipf_word(lang) for _ in range(words))


def load(settings: Settings, count: int) -> None:
    engine = make_engine(settings)
    migrate.upgrade(engine)
    languages = ["zh-Hans", "ru", "kk", "ar", "en", "es"]
    batch = 2000
    with Session(engine) as session, Progress(console=console) as progress:
        task = progress.add_task(f"loading {count:,} titles", total=count)
        for start in range(0, count, batch):
            titles, localizations, tags, documents = [], [], [], []
            for i in range(start, min(start + batch, count)):
                chosen = RNG.sample(languages, 3)
                texts = {
                    lang: (sentence(lang, RNG.randint(2, 5)), sentence(lang, RNG.randint(15, 35)))
                    for lang in chosen
                }
                original = texts[chosen[0]][0]
                titles.append(
                    {
                        "id": i + 1,
                        "kind": RNG.choice(["drama", "documentary", "promo"]),
                        "status": RNG.choice(["draft", "published", "published", "archived"]),
                        "original_title": original,
                        "original_language": chosen[0],
                        "production_year": RNG.randint(1980, 2025),
                        "genres": [],
                        "themes": [],
                        "countries_of_origin": ["CN"],
                    }
                )
                documents.append(
                    {
                        "title_id": i + 1,
                        "document": search.document_tokens(
                            original, *(part for pair in texts.values() for part in pair)
                        ),
                    }
                )
                localizations.extend(
                    {"title_id": i + 1, "language": lang, "title": t, "synopsis": s}
                    for lang, (t, s) in texts.items()
                )
                tags.append({"title_id": i + 1, "tag": f"tag{RNG.randrange(200)}"})
            session.execute(insert(Title), titles)
            session.execute(insert(TitleLocalization), localizations)
            session.execute(insert(TitleTag), tags)
            session.execute(insert(TitleSearch), documents)
            session.commit()
            progress.advance(task, len(titles))
        session.exec(text("INSERT INTO title_fts(title_fts) VALUES ('optimize')"))
        session.exec(text("ANALYZE"))
        session.commit()
        user = accounts.create_user(session, UserCreate(username="bench", role=Role.admin))
        token = accounts.issue_token(session, user, "bench", None).token
    (settings.data_dir / "token").write_text(token)
    engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def measure(client: httpx.Client, paths: list[str]) -> list[float]:
    timings = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code} {response.text[:200]}")
    return timings


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def queries(requests: int) -> dict[str, list[str]]:
    def search_word() -> str:
        lang = RNG.choice(["ru", "kk", "ar", "en", "es", "zh"])
        if lang == "zh":
            return RNG.choice(HAN) + RNG.choice(HAN) if RNG.random() < 0.2 else RNG.choice(HAN)
        return RNG.choice(VOCABULARY[lang][:3000])

    return {
        "healthz (baseline)": ["/healthz"] * requests,
        "search, one word": [f"/titles?q={search_word()}" for _ in range(requests)],
        "search, two words": [
            f"/titles?q={search_word()}+{search_word()}" for _ in range(requests)
        ],
        "search + filters": [
            f"/titles?q={search_word()}&kind=documentary&year_from=2000&status=published"
            for _ in range(requests)
        ],
        "filtered list": [
            f"/titles?kind={RNG.choice(['drama', 'documentary'])}&year_from={RNG.randint(1980, 2020)}"
            f"&language={RNG.choice(['ru', 'kk', 'ar'])}&sort=-year"
            for _ in range(requests)
        ],
        "tag filter": [f"/titles?tag=tag{RNG.randrange(200)}&sort=title" for _ in range(requests)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--keep", type=Path, help="reuse/keep the database in this folder")
    args = parser.parse_args()
    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="search-bench-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    if not (data_dir / "token").exists():
        load(settings, args.titles)
    token = (data_dir / "token").read_text()
    port = free_port()
    env = {**os.environ, "CATALOGUE_DATA_DIR": str(data_dir), "CATALOGUE_LOG_LEVEL": "WARNING"}
    env.pop("CATALOGUE_DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "catalogue.cli", "serve", "--port", str(port), "--no-migrate"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ) as client:
            for _ in range(100):
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            plan = queries(args.requests)
            measure(client, [p for paths in plan.values() for p in paths[:20]])  # warm caches
            results = {name: measure(client, paths) for name, paths in plan.items()}
    finally:
        server.terminate()
        server.wait(10)
    base_p50 = percentile(results["healthz (baseline)"], 50)
    table = Table(
        "request",
        "p50 ms",
        "p95 ms",
        "p50 / healthz p50",
        title=f"{args.titles:,} titles, {args.requests} requests each",
    )
    for name, timings in results.items():
        table.add_row(
            name,
            f"{percentile(timings, 50):.1f}",
            f"{percentile(timings, 95):.1f}",
            f"{percentile(timings, 50) / base_p50:.1f}x",
        )
    console.print(table)
    worst = max(percentile(results[n], 95) for n in results if n.startswith("search"))
    console.print(
        f"worst search p95: {worst:.1f} ms (target < 50 ms): {'met' if worst < 50 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()

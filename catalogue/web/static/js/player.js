// The title page's player: hls.js with quality, sound and subtitle choice, and storyboard
// thumbnails over the seek bar.
"use strict";

(function () {
  const section = document.querySelector(".player");
  if (!section) return;
  const video = document.getElementById("video");
  const seek = document.getElementById("seek");
  const quality = document.getElementById("quality");
  const audio = document.getElementById("audio");
  const subtitles = document.getElementById("subtitles");
  const status = section.querySelector(".status");
  const thumb = section.querySelector(".thumb");
  const text = window.catalogue.messages("player-messages");
  const format = window.catalogue.format;

  function option(select, value, label) {
    const node = document.createElement("option");
    node.value = String(value);
    node.textContent = label;
    select.appendChild(node);
  }

  function kbps(bits) {
    return window.catalogue.numbers.format(Math.round(bits / 1000)) + " kbit/s";
  }

  function useHls(src) {
    const hls = new Hls({ subtitleDisplay: false, capLevelToPlayerSize: false });
    window.catalogueHls = hls; // for the browser tests and for curious operators
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      hls.levels.forEach((level, index) => {
        option(quality, index, (level.height ? level.height + "p · " : "") + kbps(level.bitrate));
      });
      status.textContent = "";
    });
    hls.on(Hls.Events.LEVEL_SWITCHED, (_, data) => {
      section.dataset.level = String(data.level);
    });
    hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, () => {
      audio.replaceChildren();
      hls.audioTracks.forEach((track, index) => {
        option(audio, index, track.name || track.lang || format(text.sound, { num: index + 1 }));
      });
      audio.value = String(hls.audioTrack);
      // Shown only when there is a choice (sound muxed with the picture is no choice).
      section.querySelector(".audio-choice").hidden = hls.audioTracks.length < 2;
    });
    hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, () => {
      subtitles.replaceChildren();
      option(subtitles, -1, subtitles.dataset.off);
      hls.subtitleTracks.forEach((track, index) => {
        option(subtitles, index, track.name || track.lang || format(text.subtitles, { num: index + 1 }));
      });
      subtitles.disabled = hls.subtitleTracks.length === 0;
    });
    hls.on(Hls.Events.ERROR, (_, data) => {
      if (data.fatal) status.textContent = format(text.error, { reason: data.details });
    });
    quality.addEventListener("change", () => { hls.currentLevel = Number(quality.value); });
    audio.addEventListener("change", () => { hls.audioTrack = Number(audio.value); });
    subtitles.addEventListener("change", () => {
      const index = Number(subtitles.value);
      hls.subtitleDisplay = index >= 0;
      hls.subtitleTrack = index;
    });
    hls.loadSource(src);
    hls.attachMedia(video);
  }

  // --- seek bar and storyboard -----------------------------------------------------------
  function seconds(stamp) {
    const parts = stamp.trim().split(":").map(Number);
    return parts.reduce((total, part) => total * 60 + part, 0);
  }

  async function loadStoryboard(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) return [];
    const cues = [];
    const blocks = (await response.text()).split(/\r?\n\r?\n/);
    for (const block of blocks) {
      const lines = block.split(/\r?\n/).filter((l) => l.trim());
      const timing = lines.findIndex((l) => l.includes("-->"));
      if (timing < 0 || !lines[timing + 1]) continue;
      const [start, end] = lines[timing].split("-->").map((s) => seconds(s.trim().split(/\s+/)[0]));
      const [file, fragment] = lines[timing + 1].trim().split("#xywh=");
      if (!fragment) continue;
      const [x, y, w, h] = fragment.split(",").map(Number);
      cues.push({ start, end, src: new URL(file, new URL(url, location.href)).href, x, y, w, h });
    }
    return cues;
  }

  function showThumb(cues, time) {
    const cue = cues.find((c) => time >= c.start && time < c.end) || cues[cues.length - 1];
    if (!cue) return;
    const frame = thumb.querySelector(".frame");
    frame.style.width = cue.w + "px";
    frame.style.height = cue.h + "px";
    frame.style.backgroundImage = "url(" + JSON.stringify(cue.src) + ")";
    frame.style.backgroundPosition = -cue.x + "px " + -cue.y + "px";
    thumb.querySelector(".time").textContent = window.catalogue.duration(time);
    const fraction = Math.min(1, Math.max(0, time / Number(seek.max || 1)));
    thumb.style.left = "calc(" + (fraction * 100) + "% - " + (cue.w / 2) + "px)";
    thumb.hidden = false;
  }

  function wireSeekBar(cues) {
    video.addEventListener("timeupdate", () => { if (!seek.matches(":active")) seek.value = video.currentTime; });
    video.addEventListener("durationchange", () => { if (isFinite(video.duration)) seek.max = video.duration; });
    seek.addEventListener("input", () => {
      video.currentTime = Number(seek.value);
      if (cues.length) showThumb(cues, Number(seek.value));
    });
    if (!cues.length) return;
    seek.addEventListener("pointermove", (event) => {
      const box = seek.getBoundingClientRect();
      showThumb(cues, ((event.clientX - box.left) / box.width) * Number(seek.max));
    });
    seek.addEventListener("focus", () => showThumb(cues, Number(seek.value)));
    for (const name of ["pointerleave", "blur", "change"]) {
      seek.addEventListener(name, () => { thumb.hidden = true; });
    }
  }

  // --- the player's own controls (the browser's are off: one seek bar, with the storyboard) ----
  const play = section.querySelector("button.play");
  const mute = section.querySelector("button.mute");
  const clock = section.querySelector(".clock");
  const toggle = () => (video.paused ? video.play() : video.pause());
  play.addEventListener("click", toggle);
  video.addEventListener("click", toggle);
  const showPlaying = () => {
    play.textContent = video.paused ? text.play : text.pause;
    play.setAttribute("aria-pressed", String(!video.paused));
  };
  video.addEventListener("play", showPlaying);
  video.addEventListener("pause", showPlaying);
  mute.addEventListener("click", () => { video.muted = !video.muted; });
  video.addEventListener("volumechange", () => {
    mute.textContent = video.muted ? text.unmute : text.mute;
    mute.setAttribute("aria-pressed", String(video.muted));
  });
  video.addEventListener("timeupdate", () => {
    const total = isFinite(video.duration) ? video.duration : Number(seek.max);
    clock.textContent = window.catalogue.duration(video.currentTime) + " / " + window.catalogue.duration(total);
  });
  section.querySelector("button.fullscreen").addEventListener("click", () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else section.requestFullscreen();
  });

  subtitles.dataset.off = subtitles.options[0].textContent;
  status.textContent = text.loading;
  const src = section.dataset.src;
  if (window.Hls && Hls.isSupported()) {
    useHls(src);
  } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
    video.src = src; // Safari plays HLS itself
    status.textContent = "";
  }
  loadStoryboard(section.dataset.storyboard).then((cues) => {
    section.dataset.storyboardCues = String(cues.length);
    wireSeekBar(cues);
  });
})();

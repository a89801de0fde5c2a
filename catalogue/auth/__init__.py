"""Who is calling and what they may do: bearer tokens (`tokens`), the pages' session
cookie and CSRF (`cookies`) over server-side sessions (`sessions`), whether a user may still act
(`standing`), password and token hashing (`hashing`), and the one role guard with
its aliases (`guards`). It knows neither the API nor the pages that use it."""

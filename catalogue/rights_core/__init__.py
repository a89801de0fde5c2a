"""The rights core, pure: periods, rights windows and how they meet a period, holdbacks, and
language-family matching (a Python form in `languages`, its SQL form in `language_sql`).

Kept free of the ORM and of HTTP so that the planner can use it; nothing is imported here, so
importing one module does not load the others (and `language_sql` alone loads SQLAlchemy)."""

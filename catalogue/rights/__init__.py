"""Rights: windows (which media right, where, when, in which languages, to whom), availability
answers with reasons, access rules for partners, and avails import/export (CSV, XLSX)."""

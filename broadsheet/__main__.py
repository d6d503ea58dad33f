from __future__ import annotations

from broadsheet.cli import main

main()

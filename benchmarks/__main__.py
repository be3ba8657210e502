"""python -m benchmarks [library|records|server|sync-client|frozen|all] — print performance figures."""

import importlib
import sys

SUITES = {"library": "benchmarks.library", "records": "benchmarks.records", "server": "benchmarks.server",
          "sync-client": "benchmarks.sync_client", "frozen": "benchmarks.frozen"}


def main(argv: list[str]) -> int:
    chosen = argv[:1] or ["all"]
    names = [name for name in SUITES if name != "frozen"] if chosen == ["all"] else chosen  # "frozen" needs a build first
    code = 0
    for name in names:
        if name not in SUITES:
            print(f"unknown benchmark {name!r}; choose from: {', '.join(SUITES)}, all")
            return 2
        module = importlib.import_module(SUITES[name])
        code |= module.main(argv[1:])
    return code


sys.exit(main(sys.argv[1:]))

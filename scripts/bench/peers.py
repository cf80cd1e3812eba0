"""The in-Python peers of `npm run bench`, timed inside the interpreter so its start-up is not
counted (the same rule as the Node side). Prints one JSON line: {"ms": ..., "maxRssKb": ...}.

Usage:
  python3 peers.py jsonload FILE       json.load(open(FILE))
  python3 peers.py pickleloads FILE    pickle.loads(open(FILE, 'rb').read())  -- runs the file's code
  python3 peers.py scan ROOT           what a person would script: every file hashed and loaded
"""
import hashlib
import json
import os
import pickle
import resource
import sys
import time


def done(ms, **extra):
    print(json.dumps({"ms": ms, "maxRssKb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, **extra}))


def main():
    op, arg = sys.argv[1], sys.argv[2]
    if op == "jsonload":
        t0 = time.perf_counter()
        with open(arg) as f:
            value = json.load(f)
        done((time.perf_counter() - t0) * 1000, records=len(value["records"]))
    elif op == "pickleloads":
        t0 = time.perf_counter()
        with open(arg, "rb") as f:
            value = pickle.loads(f.read())
        done((time.perf_counter() - t0) * 1000, items=len(value["items"]))
    elif op == "scan":
        t0 = time.perf_counter()
        files = failed = 0
        for folder, _dirs, names in os.walk(arg):
            for name in names:
                path = os.path.join(folder, name)
                with open(path, "rb") as f:
                    data = f.read()
                hashlib.sha256(data).hexdigest()
                files += 1
                try:
                    if name.endswith(".pkl"):
                        pickle.loads(data)
                    else:
                        json.loads(data)
                except Exception:
                    failed += 1
        done((time.perf_counter() - t0) * 1000, files=files, failed=failed)
    else:
        sys.exit("unknown operation " + op)


if __name__ == "__main__":
    main()

"""Deliberately broken implementations of the conformance protocol, for the harness's tests.

``python broken.py MODE [N]`` answers like the reference adapter except that:

- ``wrong-score``: every scored result's score is one point higher;
- ``wrong-pointer``: every reported error's pointer is moved to ``/elsewhere``;
- ``crash-after N``: the process dies (status 3) when asked case N+1;
- ``hang-at N``: it never answers case N (and reads nothing more);
- ``garbage``: it answers every case with a line that is not JSON;
- ``echo``: it writes back every line it reads, hello included;
- ``wrong-id``: it answers every case with the id of the previous one;
- ``wrong-shape``: its outputs lack the members the protocol gives them;
- ``no-hello``: it exits without a word;
- ``silent-hello``: it never answers the start message.
"""

import sys
import time
from decimal import Decimal

from wsas.conformance.adapter import answer, hello
from wsas.conformance.protocol import decode, encode


def write(message) -> None:
    sys.stdout.write((message if isinstance(message, str) else encode(message)) + "\n")
    sys.stdout.flush()


def main(mode: str, n: int) -> int:
    if mode == "no-hello":
        print("something went wrong before the session", file=sys.stderr)
        return 4
    asked, previous = 0, None
    for line in sys.stdin:
        if mode == "echo":
            write(line.rstrip("\n"))
            continue
        message = decode(line)
        if message["type"] == "start":
            if mode == "silent-hello":
                time.sleep(60)
            write(hello())
            continue
        if message["type"] == "stop":
            return 0
        asked += 1
        if mode == "crash-after" and asked > n:
            print(f"broken: crashing at case {message['id']}", file=sys.stderr)
            return 3
        if mode == "hang-at" and asked == n:
            time.sleep(60)
        if mode == "garbage":
            write("<html>Internal Server Error</html>")
            continue
        output = answer(message["kind"], message["input"])
        if mode == "wrong-score" and "result" in output:
            output["result"]["score"] += Decimal(1)
        if mode == "wrong-pointer":
            for error in output.get("errors", []):
                error["pointer"] = "/elsewhere"
        if mode == "wrong-shape":
            output = {"answer": 42}
        case_id = previous if mode == "wrong-id" else message["id"]
        previous = message["id"]
        write({"type": "result", "id": case_id, "output": output})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0))

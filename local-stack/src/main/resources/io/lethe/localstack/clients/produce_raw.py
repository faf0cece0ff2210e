#!/usr/bin/python3
"""Produce ONE record with librdkafka (Debian's python3-confluent-kafka), not with Lethe's code.

Usage: produce_raw.py [--key-hex] BOOTSTRAP TOPIC KEY [VALUE_HEX|-]

KEY is sent as its UTF-8 bytes, or, with --key-hex, KEY is the hex of the key bytes.
VALUE_HEX is the hex of the value bytes; "-" or omitted reads the hex from stdin.
The partitioner is librdkafka's default (consistent_random: CRC32 of the key), on purpose.
Prints one JSON line {"partition": N, "offset": M}; exits non-zero with the error on stderr.
"""
import json
import sys

from confluent_kafka import Producer


def main(argv):
    key_hex = False
    if argv and argv[0] == "--key-hex":
        key_hex = True
        argv = argv[1:]
    if len(argv) not in (3, 4):
        sys.stderr.write(__doc__)
        return 64
    bootstrap, topic, key = argv[0], argv[1], argv[2]
    key_bytes = bytes.fromhex(key) if key_hex else key.encode("utf-8")
    value_hex = argv[3] if len(argv) == 4 else "-"
    if value_hex == "-":
        value_hex = sys.stdin.read()
    value = bytes.fromhex(value_hex.strip())

    return produce_one(bootstrap, topic, key_bytes, value)


def produce_one(bootstrap, topic, key_bytes, value):
    """Sends one record (acks=all, the default partitioner); prints {"partition", "offset"}; returns the exit code."""
    errors = []
    producer = Producer({
        "bootstrap.servers": bootstrap,
        "acks": "all",
        "message.timeout.ms": 30000,
        "message.max.bytes": max(1000000, len(value) + 65536),
        "error_cb": lambda err: errors.append(str(err)),
    })
    result = {}

    def delivered(err, msg):
        if err is not None:
            result["error"] = str(err)
        else:
            result["partition"] = msg.partition()
            result["offset"] = msg.offset()

    producer.produce(topic, value=value, key=key_bytes, on_delivery=delivered)
    remaining = producer.flush(60)
    if remaining or "error" in result or "partition" not in result:
        sys.stderr.write("delivery failed: %s (undelivered: %d; client errors: %s)\n"
                         % (result.get("error", "no delivery report"), remaining, errors))
        return 1
    print(json.dumps({"partition": result["partition"], "offset": result["offset"]}), flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as e:  # noqa: BLE001 - any failure is reported the same way
        sys.stderr.write("%s: %s\n" % (type(e).__name__, e))
        sys.exit(1)

#!/usr/bin/python3
"""Produce ONE Avro record through a Confluent-compatible schema registry, with the legacy
confluent_kafka.avro serializer machinery (Debian's python3-confluent-kafka + python3-avro),
not with Lethe's code.

Usage: produce_avro.py [--key-hex] BOOTSTRAP REGISTRY_URL TOPIC KEY SCHEMA_FILE VALUE_JSON|-

KEY is a plain string key sent as its UTF-8 bytes (NOT Avro), or, with --key-hex, the hex of the
key bytes. SCHEMA_FILE is an .avsc file for the value, registered under TOPIC-value (the
TopicNameStrategy). VALUE_JSON is the value as a JSON object in Python avro's datum form (a union
value is given bare, not as {"type": value}; timestamp-millis as epoch milliseconds, turned into
the datetimes python3-avro wants); "-" reads it from stdin.
The partitioner is librdkafka's default (consistent_random: CRC32 of the key), on purpose.
Prints one JSON line {"partition": N, "offset": M}; exits non-zero with the error on stderr.

Why not AvroProducer itself: its produce() raises KeySerializerError("Avro schema required for
key") for any key without a key schema, so it cannot send a plain string key. This script uses
the same MessageSerializer + CachedSchemaRegistryClient that AvroProducer wraps, with a plain
Producer, which yields byte-for-byte what AvroProducer would write for the value.
"""
import datetime
import json
import sys

from confluent_kafka import avro
from confluent_kafka.avro import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer

from produce_raw import produce_one  # copied next to this script by ForeignClients


def with_datetimes(schema, datum):
    """python3-avro 1.11 wants datetime objects for timestamp-millis; JSON carries epoch milliseconds."""
    if isinstance(datum, dict) and getattr(schema, "type", None) == "record":
        return {f.name: with_datetimes(f.type, datum.get(f.name)) for f in schema.fields}
    if getattr(schema, "type", None) == "union":
        for branch in schema.schemas:
            if branch.type != "null" and datum is not None:
                return with_datetimes(branch, datum)
        return datum
    if getattr(schema, "logical_type", None) == "timestamp-millis" and isinstance(datum, int):
        return datetime.datetime.fromtimestamp(datum / 1000.0, tz=datetime.timezone.utc)
    return datum


def main(argv):
    key_hex = False
    if argv and argv[0] == "--key-hex":
        key_hex = True
        argv = argv[1:]
    if len(argv) != 6:
        sys.stderr.write(__doc__)
        return 64
    bootstrap, registry_url, topic, key, schema_file, value_json = argv
    key_bytes = bytes.fromhex(key) if key_hex else key.encode("utf-8")
    if value_json == "-":
        value_json = sys.stdin.read()
    with open(schema_file, encoding="utf-8") as f:
        schema = avro.loads(f.read())
    datum = with_datetimes(schema, json.loads(value_json))

    serializer = MessageSerializer(CachedSchemaRegistryClient({"url": registry_url}))
    value = serializer.encode_record_with_schema(topic, schema, datum)

    return produce_one(bootstrap, topic, key_bytes, value)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as e:  # noqa: BLE001 - any failure is reported the same way
        sys.stderr.write("%s: %s\n" % (type(e).__name__, e))
        sys.exit(1)

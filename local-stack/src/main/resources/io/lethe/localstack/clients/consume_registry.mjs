// Read records with kafkajs and decode their values through a Confluent-compatible schema
// registry with @kafkajs/confluent-schema-registry, neither of which Lethe's code wrote.
//
// Usage: node consume_registry.mjs BOOTSTRAP REGISTRY_URL TOPIC COUNT TIMEOUT_MS
//
// Needs kafkajs 2.2.4 and @kafkajs/confluent-schema-registry 3.9.0 in a node_modules directory
// next to (or above) this file. Reads TOPIC from the beginning under a fresh random group id and
// prints one JSON line per record: {"key", "partition", "offset", "value"}, with the key as a
// UTF-8 string (null for none), the value as decoded by registry.decode(), Buffers (Avro bytes
// and fixed) as base64 strings and BigInts as numbers when safe, else as decimal strings. Exits 0
// after COUNT records, 2 on timeout, 3 on a decode error, 1 on any other error (all on stderr).
import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import registryModule from '@kafkajs/confluent-schema-registry';

const { Kafka, logLevel } = kafkajs;
const { SchemaRegistry } = registryModule;

const [bootstrap, registryUrl, topic, countArg, timeoutArg] = process.argv.slice(2);
if (!timeoutArg) {
  process.stderr.write('usage: node consume_registry.mjs BOOTSTRAP REGISTRY_URL TOPIC COUNT TIMEOUT_MS\n');
  process.exit(64);
}
const count = Number.parseInt(countArg, 10);
const timeoutMs = Number.parseInt(timeoutArg, 10);

// kafkajs logs to stdout by default; stdout carries only the records.
const toStderr = () => ({ namespace, level, label, log }) => {
  const { message, ...extra } = log;
  process.stderr.write(`[kafkajs ${label}] ${namespace}: ${message} ${JSON.stringify(extra)}\n`);
};

function jsonSafe(_key, value) {
  if (typeof value === 'bigint') {
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
  if (value && value.type === 'Buffer' && Array.isArray(value.data)) { // Buffer.toJSON() already ran
    return Buffer.from(value.data).toString('base64');
  }
  return value;
}

const kafka = new Kafka({
  clientId: 'lethe-foreign-consumer',
  brokers: bootstrap.split(','),
  logLevel: logLevel.WARN,
  logCreator: toStderr,
  retry: { retries: 5 },
});
const registry = new SchemaRegistry({ host: registryUrl });
const consumer = kafka.consumer({ groupId: `lethe-foreign-${randomUUID()}` });

let seen = 0;
let finished = false;
async function finish(code, message) {
  if (finished) return;
  finished = true;
  clearTimeout(timer);
  if (message) process.stderr.write(message + '\n');
  try {
    await Promise.race([consumer.disconnect(), new Promise((r) => setTimeout(r, 5000))]);
  } finally {
    process.exit(code);
  }
}
const timer = setTimeout(
  () => finish(2, `timed out after ${timeoutMs} ms with ${seen} of ${count} records from ${topic}`),
  timeoutMs);

try {
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      if (finished) return;
      let value;
      try {
        value = message.value === null ? null : await registry.decode(message.value);
      } catch (e) {
        await finish(3, `decode failed at ${topic}/${partition}@${message.offset}: ${e && e.stack || e}`);
        return;
      }
      const line = {
        key: message.key === null ? null : message.key.toString('utf8'),
        partition,
        offset: Number(message.offset),
        value,
      };
      process.stdout.write(JSON.stringify(line, jsonSafe) + '\n');
      seen += 1;
      if (seen >= count) await finish(0);
    },
  });
  if (count <= 0) await finish(0);
} catch (e) {
  await finish(1, `consumer failed: ${e && e.stack || e}`);
}

package io.lethe.cli.bench;

import io.lethe.api.DeletionApi;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 2, {@code api}: authenticated {@code POST /v1/deletion-requests} from N concurrent
 * keep-alive clients, each sending its next request when the previous one was answered (closed
 * loop), against an API started in this JVM with the rate limit raised out of the way. A 202
 * means the broker acknowledged the record ({@code acks=all}), so every accepted request costs
 * one produce round trip. No worker runs: nothing else competes for the broker.
 */
final class ApiScenario {

    static final String NAME = "api";

    private ApiScenario() {
    }

    static ScenarioResult run(BenchEnvironment env, ScenarioResult ceiling) throws InterruptedException {
        BenchSizes s = env.sizes;
        String tenant = env.name("api");
        try (DeletionApi api = DeletionApi.start(env.config(NAME, Map.of(DeletionApi.RATE_LIMIT, "1000000")))) {
            ApiClients clients = new ApiClients(api, env.dir.resolve("dev-keys"), tenant, s.apiClients());
            clients.awaitReady(java.time.Duration.ofSeconds(60));
            env.progress.say("%s: warm-up, %,d requests", NAME, s.apiWarmup());
            load(clients, s.apiWarmup(), "warmup-");
            env.progress.say("%s: %,d requests from %d clients", NAME, s.apiRequests(), s.apiClients());
            io.micrometer.core.instrument.Timer publish = api.registry().find("lethe.api.publish.latency").timer();
            long publishCount = publish.count();
            double publishTotal = publish.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS);
            long started = System.nanoTime();
            Outcome o = load(clients, s.apiRequests(), "cust-");
            double seconds = (System.nanoTime() - started) / 1e9;
            // the API's own timer: from send to broker acknowledgement, the part of a request spent on Kafka
            double publishMean = (publish.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS) - publishTotal)
                    / Math.max(1, publish.count() - publishCount);
            Map<String, Number> f = new LinkedHashMap<>();
            f.put("acceptedPerSecond", Math.round(o.accepted / seconds));
            f.put("p50Ms", ProducerCeiling.round(o.latencies.percentileMillis(50)));
            f.put("p99Ms", ProducerCeiling.round(o.latencies.percentileMillis(99)));
            f.put("maxMs", ProducerCeiling.round(o.latencies.maxMillis()));
            f.put("meanMs", ProducerCeiling.round(o.latencies.meanMillis()));
            f.put("publishMeanMs", ProducerCeiling.round(publishMean));
            f.put("accepted", o.accepted);
            f.put("rejected", s.apiRequests() - o.accepted);
            f.put("clients", s.apiClients());
            f.put("seconds", ProducerCeiling.round(seconds));
            env.progress.say("%s: %,.0f accepted/s, p50 %.1f ms, p99 %.1f ms, %d not accepted", NAME, o.accepted / seconds,
                    o.latencies.percentileMillis(50), o.latencies.percentileMillis(99), s.apiRequests() - o.accepted);
            return new ScenarioResult(NAME, "acceptedPerSecond", "accepted/s", f, ceiling.name(),
                    ">= 0.20 of ceiling-producer, p99 < 50 ms");
        }
    }

    private record Outcome(long accepted, Latencies latencies) {
    }

    /** Sends {@code total} requests from every client as fast as answers come back. */
    private static Outcome load(ApiClients clients, int total, String customerPrefix) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicLong accepted = new AtomicLong();
        Latencies all = new Latencies();
        CountDownLatch done = new CountDownLatch(clients.size());
        for (int c = 0; c < clients.size(); c++) {
            int client = c;
            Thread t = new Thread(() -> {
                Latencies mine = new Latencies();
                try {
                    for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                        long sent = System.nanoTime();
                        ApiClients.Answer a = clients.createProfileDeletion(client, customerPrefix + String.format("%07d", i));
                        if (a.status() == 202) {
                            accepted.incrementAndGet();
                            mine.recordNanos(a.answeredAtNanos() - sent);
                        }
                    }
                } finally {
                    all.add(mine);
                    done.countDown();
                }
            }, "bench-api-client-" + c);
            t.setDaemon(true);
            t.start();
        }
        done.await();
        return new Outcome(accepted.get(), all);
    }
}

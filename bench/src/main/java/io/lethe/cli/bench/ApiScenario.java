package io.lethe.cli.bench;

import io.lethe.api.DeletionApi;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 2, {@code api} (and {@code api-64}): authenticated {@code POST /v1/deletion-requests} from N concurrent
 * keep-alive clients, each sending its next request when the previous one was answered (closed
 * loop), against an API started in this JVM with the rate limit raised out of the way. A 202
 * means the broker acknowledged the record ({@code acks=all}), so every accepted request costs
 * one produce round trip. No worker runs: nothing else competes for the broker.
 */
final class ApiScenario {

    static final String NAME = "api";

    private ApiScenario() {
    }

    /**
     * The bare endpoint and then the API, each at {@code clients} concurrent clients (16 and 64 by
     * default): the ceiling row and the api row of that concurrency.
     */
    static List<ScenarioResult> run(BenchEnvironment env, int clients) throws InterruptedException {
        BenchSizes s = env.sizes;
        String suffix = clients == s.apiClients() ? "" : "-" + clients;
        String tenant = env.name("api" + clients);
        try (ApiCeiling bare = new ApiCeiling(env, tenant);
             DeletionApi api = DeletionApi.start(env.config(NAME + clients, Map.of(DeletionApi.RATE_LIMIT, "1000000")))) {
            ApiClients bareClients = new ApiClients(bare.port(), env.dir.resolve("dev-keys"), tenant, clients);
            ApiClients apiClients = new ApiClients(api, env.dir.resolve("dev-keys"), tenant, clients);
            apiClients.awaitReady(java.time.Duration.ofSeconds(60));
            // both warmed up before either is timed, so that neither pays for the JIT alone
            env.progress.say("%s%s and %s%s: warm-up, %,d requests each", ApiCeiling.NAME, suffix, NAME, suffix, s.apiWarmup());
            load(bareClients, s.apiWarmup(), "warmup-");
            load(apiClients, s.apiWarmup(), "warmup-");

            long started = System.nanoTime();
            Outcome o = load(bareClients, s.apiRequests(), "cust-");
            double seconds = (System.nanoTime() - started) / 1e9;
            env.progress.say("%s%s: %,.0f accepted/s, p50 %.1f ms, p99 %.1f ms", ApiCeiling.NAME, suffix, o.accepted / seconds,
                    o.latencies.percentileMillis(50), o.latencies.percentileMillis(99));
            ScenarioResult ceiling = new ScenarioResult(ApiCeiling.NAME + suffix, "acceptedPerSecond", "accepted/s",
                    figures(o, seconds, clients, s.apiRequests()), ApiCeiling.NAME + suffix, "ceiling");

            env.progress.say("%s%s: %,d requests from %d clients", NAME, suffix, s.apiRequests(), clients);
            io.micrometer.core.instrument.Timer publish = api.registry().find("lethe.api.publish.latency").timer();
            long publishCount = publish.count();
            double publishTotal = publish.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS);
            started = System.nanoTime();
            o = load(apiClients, s.apiRequests(), "cust-");
            seconds = (System.nanoTime() - started) / 1e9;
            // the API's own timer: from send to broker acknowledgement, the part of a request spent on Kafka
            double publishMean = (publish.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS) - publishTotal)
                    / Math.max(1, publish.count() - publishCount);
            Map<String, Number> f = figures(o, seconds, clients, s.apiRequests());
            f.put("publishMeanMs", ProducerCeiling.round(publishMean));
            env.progress.say("%s%s: %,.0f accepted/s, p50 %.1f ms, p99 %.1f ms, %d not accepted", NAME, suffix, o.accepted / seconds,
                    o.latencies.percentileMillis(50), o.latencies.percentileMillis(99), s.apiRequests() - o.accepted);
            return List.of(ceiling, new ScenarioResult(NAME + suffix, "acceptedPerSecond", "accepted/s", f, ceiling.name(),
                    suffix.isEmpty() ? ">= 0.80 of ceiling-api, p99 < 50 ms" : ">= 0.80 of " + ceiling.name()));
        }
    }

    private static Map<String, Number> figures(Outcome o, double seconds, int clients, int requests) {
        Map<String, Number> f = new LinkedHashMap<>();
        f.put("acceptedPerSecond", Math.round(o.accepted / seconds));
        f.put("p50Ms", ProducerCeiling.round(o.latencies.percentileMillis(50)));
        f.put("p99Ms", ProducerCeiling.round(o.latencies.percentileMillis(99)));
        f.put("maxMs", ProducerCeiling.round(o.latencies.maxMillis()));
        f.put("meanMs", ProducerCeiling.round(o.latencies.meanMillis()));
        f.put("accepted", o.accepted);
        f.put("rejected", requests - o.accepted);
        f.put("clients", clients);
        f.put("seconds", ProducerCeiling.round(seconds));
        return f;
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

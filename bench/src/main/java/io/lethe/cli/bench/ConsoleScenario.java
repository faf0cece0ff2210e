package io.lethe.cli.bench;

import io.lethe.api.DeletionApi;
import io.lethe.api.auth.DevKeys;
import io.lethe.events.DeletionStatus;
import io.lethe.events.Reason;
import io.lethe.events.Regulation;
import io.lethe.events.RequestStatus;
import io.lethe.events.Scope;
import io.lethe.events.TaskState;
import io.lethe.events.TaskStatus;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.LetheProducer;
import io.lethe.schemas.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario {@code console}: how long the console's Requests page takes with many requests in
 * the tenant ({@code consoleRequests}, 10,000 by default), signed in through the dev form, next
 * to its ceiling {@code ceiling-console-json}: the same first page (50 requests, newest first) as JSON
 * from {@code GET /v1/deletion-requests} of the same API. Both are sequential page loads from one
 * client, so the rate is 1 / latency; also measured: the page filtered by a customer id (a scan
 * of the tenant) and a request's detail page. Status records are written as the worker writes
 * them; no worker runs.
 */
final class ConsoleScenario {

    static final String NAME = "console";
    static final String CEILING = "ceiling-console-json";
    private static final int WARMUP = 10;
    private static final int LOADS = 50;
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern COOKIE = Pattern.compile("lethe_console=([^;]*)");

    private ConsoleScenario() {
    }

    static List<ScenarioResult> run(BenchEnvironment env) throws Exception {
        int n = env.sizes.consoleRequests();
        String tenant = env.name("console");
        try (DeletionApi api = DeletionApi.start(env.config(NAME, Map.of("auth.dev.mode", "true",
                DeletionApi.RATE_LIMIT, "1000000")))) {
            String base = "http://localhost:" + api.port();
            KafkaSettings settings = env.settings(NAME);
            Topics topics = settings.topics();
            env.progress.say("%s: writing %,d requests' status records", NAME, n);
            Instant now = Instant.now();
            String lastId = String.format("req-%07d", n - 1);
            io.lethe.runtime.kafka.TopicProvisioner.ensure(settings, List.of(topics.deletionStatus()));
            // every record acknowledged within a bound; once seen stalled for the whole delivery timeout on a
            // busy machine, so a stalled write is retried with a fresh producer (same keys: rewriting is harmless)
            for (int attempt = 1; ; attempt++) {
                LetheProducer producer = new LetheProducer(settings, "bench-console-" + attempt);
                try {
                    List<java.util.concurrent.CompletableFuture<?>> sent = new java.util.ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        String requestId = String.format("req-%07d", i);
                        sent.add(producer.send(topics.deletionStatus(), requestId, status(tenant, requestId,
                                String.format("cust-%07d", i), now.minusSeconds(n - i), i)));
                    }
                    java.util.concurrent.CompletableFuture.allOf(sent.toArray(java.util.concurrent.CompletableFuture[]::new))
                            .get(30, java.util.concurrent.TimeUnit.SECONDS);
                    producer.close();
                    break;
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    producer.unwrap().close(Duration.ZERO);
                    if (attempt == 3) {
                        throw new IllegalStateException("status records not acknowledged after 3 attempts", e);
                    }
                    env.progress.say("%s: status records not acknowledged (%s); writing them again", NAME,
                            e.getClass().getSimpleName());
                }
            }
            HttpClient http = HttpClient.newHttpClient();
            String token = DevKeys.loadOrCreate(env.dir.resolve("dev-keys")).mint(tenant, List.of("auditor"), "bench-auditor",
                    Duration.ofHours(1));
            String json = base + "/v1/deletion-requests?limit=50";
            env.progress.say("%s: waiting for the API to read them", NAME);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            String newest = lastId;
            while (count(http, base, token) < n) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the API did not read the status records in 2 minutes");
                }
                Thread.sleep(200);
            }
            String cookie = signIn(http, base, tenant);
            String page = base + "/console/requests";
            Latencies jsonLat = time(() -> get(http, json, token, null));
            Latencies pageLat = time(() -> get(http, page, null, cookie));
            Latencies filtered = time(() -> get(http, page + "?customerId=cust-0000001", null, cookie));
            Latencies detail = time(() -> get(http, base + "/console/requests/" + newest, null, cookie));
            int bytes = get(http, page, null, cookie).body().length();
            ScenarioResult ceiling = result(CEILING, jsonLat, n, Map.of(), CEILING, "ceiling");
            ScenarioResult console = result(NAME, pageLat, n, Map.of("filteredP50Ms", ProducerCeiling.round(filtered.percentileMillis(50)),
                    "detailP50Ms", ProducerCeiling.round(detail.percentileMillis(50)), "pageBytes", bytes), CEILING,
                    ">= 0.25 of ceiling-console-json; p99 < 200 ms");
            env.progress.say("%s: Requests page p50 %.1f ms p99 %.1f ms (JSON p50 %.1f ms), filtered p50 %.1f ms, detail p50 %.1f ms",
                    NAME, pageLat.percentileMillis(50), pageLat.percentileMillis(99), jsonLat.percentileMillis(50),
                    filtered.percentileMillis(50), detail.percentileMillis(50));
            return List.of(ceiling, console);
        }
    }

    /** How many requests the API lists for the tenant (pages of 500). */
    private static int count(HttpClient http, String base, String token) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        int total = 0;
        String cursor = null;
        do {
            HttpResponse<String> r = get(http, base + "/v1/deletion-requests?limit=500" + (cursor == null ? "" : "&cursor=" + cursor),
                    token, null);
            var page = mapper.readTree(r.body());
            total += page.get("items").size();
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        return total;
    }

    private static ScenarioResult result(String name, Latencies l, int requests, Map<String, Number> extra, String ceiling,
                                         String goal) {
        Map<String, Number> f = new LinkedHashMap<>();
        f.put("pagesPerSecond", ProducerCeiling.round(1000.0 / Math.max(0.001, l.meanMillis())));
        f.put("p50Ms", ProducerCeiling.round(l.percentileMillis(50)));
        f.put("p99Ms", ProducerCeiling.round(l.percentileMillis(99)));
        f.put("requestsInTenant", requests);
        f.putAll(extra);
        return new ScenarioResult(name, "pagesPerSecond", "pages/s", f, ceiling, goal);
    }

    private interface Load {
        HttpResponse<String> call() throws Exception;
    }

    private static Latencies time(Load load) throws Exception {
        for (int i = 0; i < WARMUP; i++) {
            check(load.call());
        }
        Latencies l = new Latencies();
        for (int i = 0; i < LOADS; i++) {
            long t = System.nanoTime();
            check(load.call());
            l.recordNanos(System.nanoTime() - t);
        }
        return l;
    }

    private static void check(HttpResponse<String> r) {
        if (r.statusCode() != 200) {
            throw new IllegalStateException("a page load answered " + r.statusCode());
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url, String token, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (cookie != null) {
            b.header("Cookie", "lethe_console=" + cookie);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Signs in through the dev form as an auditor and returns the session cookie. */
    private static String signIn(HttpClient http, String base, String tenant) throws Exception {
        HttpResponse<String> form = get(http, base + "/console/sign-in", null, null);
        Matcher csrf = CSRF.matcher(form.body());
        Matcher cookie = COOKIE.matcher(form.headers().firstValue("Set-Cookie").orElse(""));
        if (!csrf.find() || !cookie.find()) {
            throw new IllegalStateException("no sign-in form");
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/console/dev-sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", "lethe_console=" + cookie.group(1))
                .POST(HttpRequest.BodyPublishers.ofString("tenant=" + tenant + "&role=auditor&user=bench-auditor&_csrf="
                        + java.net.URLEncoder.encode(csrf.group(1), java.nio.charset.StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        String session = null;
        for (String set : r.headers().allValues("Set-Cookie")) {
            Matcher m = COOKIE.matcher(set);
            if (m.find()) {
                session = m.group(1); // the last one counts, as in a browser
            }
        }
        if (session == null || r.statusCode() != 303) {
            throw new IllegalStateException("dev sign-in answered " + r.statusCode());
        }
        return session;
    }

    private static DeletionStatus status(String tenant, String requestId, String customer, Instant at, int i) {
        RequestStatus st = i % 10 == 0 ? RequestStatus.IN_PROGRESS : i % 37 == 0 ? RequestStatus.FAILED : RequestStatus.COMPLETED;
        List<TaskState> tasks = List.of("conversations", "attachments", "integration-data", "customer-details").stream()
                .map(t -> TaskState.newBuilder().setDataType(t).setStatus(st == RequestStatus.COMPLETED ? TaskStatus.SUCCEEDED
                                : st == RequestStatus.FAILED ? TaskStatus.FAILED : TaskStatus.PENDING)
                        .setAttempts(1).setRowsScrubbed(12).setRowsDeleted(3).setBlobsDeleted(2)
                        .setResidual(st == RequestStatus.COMPLETED ? 0L : null).setErrorCode(null).setPhase(0).setNextAttemptAt(null).build())
                .toList();
        return DeletionStatus.newBuilder().setRequestId(requestId).setTenant(tenant).setCustomerId(customer).setScope(Scope.PROFILE)
                .setItemId(null).setReason(Reason.CUSTOMER_REQUEST).setRegulation(Regulation.GDPR).setActor("bench")
                .setStatus(st).setTasks(tasks).setRequestedAt(at).setUpdatedAt(at)
                .setCompletedAt(st == RequestStatus.COMPLETED ? at : null).setDueAt(at.plus(Duration.ofDays(30)))
                .setVerified(st == RequestStatus.COMPLETED).setBulkId(null).setRequestHash(null).build();
    }
}

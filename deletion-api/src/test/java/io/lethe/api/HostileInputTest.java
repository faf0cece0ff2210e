package io.lethe.api;

import static io.lethe.api.DeletionRequestsTest.profile;
import static io.lethe.api.TestApi.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.TestApi.Res;
import io.lethe.events.DeletionRequested;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of hostile bodies, paths and connections, beyond {@link BadInputTest}: each is
 * answered with a 4xx problem, none reaches {@code deletion.requests}, and valid requests sent
 * at the same time keep getting 202.
 */
@ExtendWith(LocalStackExtension.class)
class HostileInputTest {

    private static TestApi t;
    private static String admin;

    @BeforeAll
    static void start(KafkaEndpoint kafka) throws Exception {
        t = TestApi.start(kafka.bootstrapServers());
        admin = t.token("acme", "alice", "compliance_admin");
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static final String VALID = "\"scope\":\"PROFILE\",\"customerId\":\"c-1\",\"reason\":\"OTHER\",\"regulation\":\"GDPR\"";

    /** name, body, expected status, expected problem slug. */
    static Stream<Arguments> hostileBodies() {
        return Stream.of(
                Arguments.of("trailing second object", "{" + VALID + "}{\"scope\":\"CONTACT\"}", 400, "malformed-json"),
                Arguments.of("trailing garbage", "{" + VALID + "} x", 400, "malformed-json"),
                Arguments.of("truncated unicode escape", "{\"scope\":\"PROF\\u00\"}", 400, "malformed-json"),
                Arguments.of("single quotes", "{'scope':'PROFILE'}", 400, "malformed-json"),
                Arguments.of("comment", "{/* hi */" + VALID + "}", 400, "malformed-json"),
                Arguments.of("NaN", "{" + VALID + ",\"x\":NaN}", 400, "malformed-json"),
                Arguments.of("empty body", "", 400, "malformed-json"),
                Arguments.of("json null", "null", 400, "malformed-json"),
                Arguments.of("json string", "\"PROFILE\"", 400, "malformed-json"),
                Arguments.of("deeply nested arrays", "{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}", 400, "malformed-json"),
                Arguments.of("deeply nested objects", "{\"x\":" + "{\"a\":".repeat(3000) + "1" + "}".repeat(3000) + "}", 400,
                        "malformed-json"),
                Arguments.of("nested object as id", "{" + VALID.replace("\"c-1\"", "{\"a\":{\"b\":[1,2,{\"c\":3}]}}") + "}", 400,
                        "validation"),
                Arguments.of("array as id", "{" + VALID.replace("\"c-1\"", "[\"c-1\"]") + "}", 400, "validation"),
                Arguments.of("boolean as id", "{" + VALID.replace("\"c-1\"", "true") + "}", 400, "validation"),
                Arguments.of("null id", "{" + VALID.replace("\"c-1\"", "null") + "}", 400, "validation"),
                Arguments.of("huge integer as id", "{" + VALID.replace("\"c-1\"", "9".repeat(5000)) + "}", 400, "malformed-json"),
                Arguments.of("huge exponent as id", "{" + VALID.replace("\"c-1\"", "1e999999999") + "}", 400, "validation"),
                Arguments.of("number as scope", "{" + VALID.replace("\"PROFILE\"", "1") + "}", 400, "validation"),
                Arguments.of("array as scope", "{" + VALID.replace("\"PROFILE\"", "[\"PROFILE\"]") + "}", 400, "validation"),
                Arguments.of("lower-case enum", "{" + VALID.replace("\"PROFILE\"", "\"profile\"") + "}", 400, "validation"),
                Arguments.of("enum with trailing space", "{" + VALID.replace("\"GDPR\"", "\"GDPR \"") + "}", 400, "validation"),
                Arguments.of("huge string as id", "{" + VALID.replace("\"c-1\"", "\"" + "x".repeat(60_000) + "\"") + "}", 400,
                        "validation"),
                Arguments.of("unpaired high surrogate in id", "{" + VALID.replace("\"c-1\"", "\"c\\ud800-1\"") + "}", 400,
                        "validation"),
                Arguments.of("unpaired low surrogate in id", "{" + VALID.replace("\"c-1\"", "\"\\udc00c-1\"") + "}", 400,
                        "validation"),
                Arguments.of("escape and tab in id", "{" + VALID.replace("\"c-1\"", "\"c\\u001b[31m\\t1\"") + "}", 400, "validation"),
                Arguments.of("line separator in unknown field name", "{" + VALID + ",\"x\\u2028\\u0000\":1}", 400, "validation"),
                Arguments.of("1000 unknown fields", "{" + VALID + manyFields(1000) + "}", 400, "validation"));
    }

    private static String manyFields(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(",\"f").append(i).append("\":").append(i);
        }
        return b.toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileBodies")
    void shouldAnswerAProblemAndPublishNothing(String name, String body, int status, String slug) {
        long before = t.requestCount();
        Res r = t.call("POST", "/v1/deletion-requests", admin, body);
        assertProblem(r, status, slug);
        assertThat(r.raw().body()).as("problem must not echo the body").doesNotContain("x".repeat(200));
        assertThat(t.requestCount()).as("records on deletion.requests").isEqualTo(before);
    }

    @Test
    void shouldRejectInvalidUtf8Bytes() throws Exception {
        long before = t.requestCount();
        byte[] body = ("{\"scope\":\"PROFILE\",\"customerId\":\"c").getBytes(StandardCharsets.UTF_8);
        byte[] bad = new byte[body.length + 4];
        System.arraycopy(body, 0, bad, 0, body.length);
        bad[body.length] = (byte) 0xC3;
        bad[body.length + 1] = (byte) 0x28;
        bad[body.length + 2] = '"';
        bad[body.length + 3] = '}';
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/deletion-requests"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bad)).build());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(t.requestCount()).isEqualTo(before);
    }

    @Test
    void shouldRejectAChunkedBodyOverTheLimitWithoutContentLength() throws Exception {
        long before = t.requestCount();
        byte[] big = ("{" + VALID + ",\"pad\":\"" + "y".repeat(200_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/deletion-requests"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(t.requestCount()).isEqualTo(before);
    }

    @Test
    void shouldRejectABodyOverTheServerLimitAs413() {
        long before = t.requestCount();
        String huge = "{" + VALID + ",\"pad\":\"" + "z".repeat(3 * 1024 * 1024) + "\"}";
        Res r = t.call("POST", "/v1/deletion-requests", admin, huge);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(t.requestCount()).isEqualTo(before);
    }

    @Test
    void shouldRejectALyingOrInvalidContentLength() throws Exception {
        long before = t.requestCount();
        String declaredHuge = raw("POST /v1/deletion-requests HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin
                + "\r\nContent-Type: application/json\r\nContent-Length: 99999999999\r\nConnection: close\r\n\r\n{}", Duration.ofSeconds(10));
        assertThat(declaredHuge).startsWith("HTTP/1.1 4");
        String notANumber = raw("POST /v1/deletion-requests HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin
                + "\r\nContent-Type: application/json\r\nContent-Length: abc\r\nConnection: close\r\n\r\n{}", Duration.ofSeconds(10));
        assertThat(notANumber).startsWith("HTTP/1.1 4");
        assertThat(t.requestCount()).isEqualTo(before);
    }

    /** name, method, path, expected status. */
    static Stream<Arguments> hostilePaths() {
        return Stream.of(
                Arguments.of("encoded traversal", "GET", "/v1/deletion-requests/..%2F..%2F..%2Fetc%2Fpasswd", 400),
                Arguments.of("sql in id", "GET", "/v1/deletion-requests/'%20OR%20'1'%3D'1", 404),
                Arguments.of("sql in id, retry", "POST", "/v1/deletion-requests/1%3BDROP%20TABLE%20customers--/retry", 404),
                Arguments.of("percent-encoded NUL in id", "GET", "/v1/deletion-requests/abc%00def", 400),
                Arguments.of("encoded newline in id", "POST", "/v1/deletion-requests/abc%0D%0ASet-Cookie:x/retry", 400),
                Arguments.of("unpaired surrogate in id", "GET", "/v1/deletion-requests/%ED%A0%80", 404),
                Arguments.of("sql in query", "GET", "/v1/deletion-requests?customerId=x'%20OR%20'1'%3D'1&status=FAILED'--", 400),
                Arguments.of("huge limit", "GET", "/v1/deletion-requests?limit=99999999999999999999999", 400),
                Arguments.of("forged cursor", "GET", "/v1/deletion-requests?cursor=..%2F..%2F%27%3B--", 400),
                Arguments.of("bulk id traversal", "POST", "/v1/bulk-deletions/..%2F..%2Fadmin/approve", 404));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostilePaths")
    void shouldAnswerHostilePathsWithAProblemAndPublishNothing(String name, String method, String path, int status) {
        long before = t.requestCount();
        Res r = t.call(method, path, t.token("acme", "alice", "privacy_officer"), null);
        assertThat(r.status()).as("%s %s: %s", method, path, r.raw().body()).isBetween(400, 499);
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(t.requestCount()).isEqualTo(before);
    }

    @Test
    void shouldTreatSqlAndTraversalIdsAsOpaqueIdsPublishedVerbatim() {
        // These are legal ids (1..128 characters, no control characters): the API must neither
        // interpret nor rewrite them; erasers bind them as SQL parameters (see the worker tests).
        for (String id : List.of("x' OR '1'='1", "../../etc/passwd", "%", "*", "cust-000001; DROP TABLE customers", "Ωmega-\uD83D\uDE00")) {
            String key = UUID.randomUUID().toString();
            Res r = t.call("POST", "/v1/deletion-requests", admin, profile(id), Map.of("Idempotency-Key", key));
            assertThat(r.status()).as(id).isEqualTo(202);
            List<DeletionRequested> published = t.requestsFor(r.json().get("requestId").asText());
            assertThat(published).hasSize(1);
            assertThat(published.get(0).getCustomerId()).isEqualTo(id);
            assertThat(published.get(0).getTenant()).isEqualTo("acme");
        }
    }

    @Test
    void shouldKeepAnsweringValidRequestsWhileUnderHostileAndSlowInput() throws Exception {
        long before = t.requestCount();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            // slow clients: dribble a malformed body over ~3 s each
            List<Future<String>> slow = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                slow.add(pool.submit(() -> slowPost("{\"scope\":\"PROFILE\",\"customerId\":\"slow\",,,}", Duration.ofMillis(100))));
            }
            // hostile bodies, many at once
            List<Future<Res>> hostile = new ArrayList<>();
            List<Arguments> corpus = hostileBodies().toList();
            for (int round = 0; round < 3; round++) {
                for (Arguments a : corpus) {
                    hostile.add(pool.submit(() -> t.call("POST", "/v1/deletion-requests", admin, (String) a.get()[1])));
                }
            }
            // valid requests at the same time
            List<Future<Res>> valid = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String customer = "c-valid-" + i;
                valid.add(pool.submit(() -> t.call("POST", "/v1/deletion-requests", admin, profile(customer))));
            }
            for (Future<Res> f : valid) {
                assertThat(f.get().status()).isEqualTo(202);
            }
            for (Future<Res> f : hostile) {
                Res r = f.get();
                assertThat(r.status()).isBetween(400, 499);
                assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            }
            for (Future<String> f : slow) {
                String response = f.get();
                assertThat(response).startsWith("HTTP/1.1 400");
                assertThat(response).contains("application/problem+json");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(t.requestCount()).as("exactly the valid requests were published").isEqualTo(before + 40);
    }

    private static String slowPost(String body, Duration perByte) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket("127.0.0.1", t.api.port())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/deletion-requests HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (byte b : bytes) {
                out.write(b);
                out.flush();
                Thread.sleep(perByte.toMillis() / 3 + 1);
            }
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String raw(String request, Duration timeout) throws Exception {
        try (Socket s = new Socket("127.0.0.1", t.api.port())) {
            s.setSoTimeout((int) timeout.toMillis());
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int n = in.read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        }
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + t.api.port() + path);
    }

    private static HttpResponse<String> send(HttpRequest r) throws Exception {
        return TestApi.HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    }
}

package io.lethe.api;

import static io.lethe.api.DeletionRequestsTest.body;
import static io.lethe.api.DeletionRequestsTest.profile;
import static io.lethe.api.TestApi.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.TestApi.Res;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every bad input answers a problem with a stable type, and nothing reaches deletion.requests. */
@ExtendWith(LocalStackExtension.class)
class BadInputTest {

    private static TestApi t;
    private static String admin;
    private long before;

    @BeforeAll
    static void start(KafkaEndpoint kafka) throws Exception {
        t = TestApi.start(kafka.bootstrapServers());
        admin = t.token("acme", "alice", "compliance_admin");
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @BeforeEach
    void countRequests() {
        before = t.requestCount();
    }

    @AfterEach
    void nothingPublished() {
        assertThat(t.requestCount()).as("records on deletion.requests").isEqualTo(before);
    }

    private static Res post(String body) {
        return t.call("POST", "/v1/deletion-requests", admin, body);
    }

    private static List<String> fields(Res r) {
        return StreamSupport.stream(r.json().get("errors").spliterator(), false).map(e -> e.get("field").asText()).toList();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"scope\":\"PROFILE\",",
            "not json",
            "[1,2]",
            "{\"scope\":\"PROFILE\",\"scope\":\"CONTACT\",\"customerId\":\"c\",\"reason\":\"OTHER\",\"regulation\":\"GDPR\"}"})
    void shouldRejectMalformedJsonAs400(String body) {
        assertProblem(post(body), 400, "malformed-json");
    }

    @Test
    void shouldRejectUnknownFieldsAs400() {
        Res r = post("{\"scope\":\"PROFILE\",\"customerId\":\"c\",\"reason\":\"OTHER\",\"regulation\":\"GDPR\",\"tenant\":\"globex\"}");
        assertProblem(r, 400, "validation");
        assertThat(fields(r)).containsExactly("tenant");
    }

    @ParameterizedTest
    @CsvSource({
            "EVERYTHING, CUSTOMER_REQUEST, GDPR, scope",
            "PROFILE, RETENTION_EXPIRED, GDPR, reason",
            "PROFILE, BECAUSE, GDPR, reason",
            "PROFILE, OTHER, RETENTION_POLICY, regulation",
            "PROFILE, OTHER, HIPAA, regulation"})
    void shouldRejectUnknownOrForbiddenEnumValuesAs400(String scope, String reason, String regulation, String field) {
        Res r = post(body(scope, "c-1", null, reason, regulation));
        assertProblem(r, 400, "validation");
        assertThat(fields(r)).contains(field);
    }

    @ParameterizedTest
    @CsvSource({"CONTACT", "ATTACHMENT", "VOICE_RECORDING"})
    void shouldRequireItemIdForItemScopes(String scope) {
        Res r = post(body(scope, "c-1", null, "OTHER", "GDPR"));
        assertProblem(r, 400, "validation");
        assertThat(fields(r)).containsExactly("itemId");
    }

    @Test
    void shouldRejectItemIdForProfileScope() {
        Res r = post(body("PROFILE", "c-1", "item-1", "OTHER", "GDPR"));
        assertProblem(r, 400, "validation");
        assertThat(fields(r)).containsExactly("itemId");
    }

    @Test
    void shouldReportEveryMissingFieldAtOnce() {
        Res r = post("{}");
        assertProblem(r, 400, "validation");
        assertThat(fields(r)).containsExactlyInAnyOrder("scope", "customerId", "reason", "regulation");
    }

    @Test
    void shouldRejectIdsLongerThan128Characters() {
        Res r = post(profile("c".repeat(129)));
        assertProblem(r, 400, "validation");
        assertThat(fields(r)).containsExactly("customerId");
        Res item = post(body("CONTACT", "c-1", "i".repeat(129), "OTHER", "GDPR"));
        assertThat(fields(item)).containsExactly("itemId");
        assertThat(post(profile("c".repeat(128))).status()).isEqualTo(202);
        before++; // that one was meant to pass
    }

    @ParameterizedTest
    @CsvSource({"c\\u0000x", "c\\nx", "c\\u007fx", "c\\u0085x", "'   '", "''"})
    void shouldRejectIdsWithControlCharactersOrBlank(String id) {
        Res r = post("{\"scope\":\"PROFILE\",\"customerId\":\"" + id + "\",\"reason\":\"OTHER\",\"regulation\":\"GDPR\"}");
        assertProblem(r, 400, "validation");
        assertThat(fields(r)).containsExactly("customerId");
        if (!id.isBlank()) {
            assertThat(r.raw().body()).doesNotContain(id);
        }
    }

    @Test
    void shouldRejectANonStringId() {
        Res r = post("{\"scope\":\"PROFILE\",\"customerId\":42,\"reason\":\"OTHER\",\"regulation\":\"GDPR\"}");
        assertProblem(r, 400, "validation");
    }

    @Test
    void shouldRejectAnIdempotencyKeyWithControlCharactersOrOver128() {
        assertProblem(t.call("POST", "/v1/deletion-requests", admin, profile("c"), Map.of("Idempotency-Key", "k".repeat(129))),
                400, "validation");
    }

    @Test
    void shouldRejectABodyOver64KiBAs413() {
        String big = "{\"scope\":\"PROFILE\",\"customerId\":\"c\",\"reason\":\"OTHER\",\"regulation\":\"GDPR\",\"pad\":\""
                + "x".repeat(64 * 1024) + "\"}";
        assertProblem(post(big), 413, "body-too-large");
    }

    @Test
    void shouldRejectAWrongContentTypeAs415() {
        assertProblem(t.call("POST", "/v1/deletion-requests", admin, profile("c"), Map.of("Content-Type", "text/plain")),
                415, "unsupported-media-type");
        assertProblem(t.call("POST", "/v1/deletion-requests", admin, profile("c"), Map.of("Content-Type", "application/x-www-form-urlencoded")),
                415, "unsupported-media-type");
        assertThat(t.call("POST", "/v1/deletion-requests", admin, profile("c-ct"),
                Map.of("Content-Type", "application/json; charset=utf-8")).status()).isEqualTo(202);
        before++;
    }

    @Test
    void shouldAnswerAnUnknownRouteWith404Problem() {
        assertProblem(t.call("GET", "/v1/nothing-here", admin, null), 404, "not-found");
        assertProblem(t.call("POST", "/v2/deletion-requests", admin, profile("c")), 404, "not-found");
    }

    @Test
    void shouldAnswerAWrongMethodWith405Problem() {
        assertProblem(t.call("DELETE", "/v1/deletion-requests", admin, null), 405, "method-not-allowed");
        assertProblem(t.call("PUT", "/v1/deletion-requests", admin, profile("c")), 405, "method-not-allowed");
    }

    @Test
    void shouldAnswerAMissingTokenWith401AndWwwAuthenticate() {
        Res r = t.call("POST", "/v1/deletion-requests", null, profile("c"));
        assertProblem(r, 401, "unauthorized");
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer ");
        Res basic = t.call("POST", "/v1/deletion-requests", null, profile("c"), Map.of("Authorization", "Basic YTpi"));
        assertProblem(basic, 401, "unauthorized");
    }

    @Test
    void shouldAnswerARoleNotAllowedWith403() {
        assertProblem(t.call("POST", "/v1/deletion-requests", t.token("acme", "a", "auditor"), profile("c")), 403, "forbidden");
    }

    @Test
    void shouldRejectAnIdInThePathThatIsTooLong() {
        assertProblem(t.call("GET", "/v1/deletion-requests/" + "x".repeat(129), admin, null), 400, "validation");
    }
}

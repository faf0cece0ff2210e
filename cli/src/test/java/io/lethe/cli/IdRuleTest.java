package io.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lethe.api.requests.CreateRequest;
import io.lethe.events.ContactActivity;
import io.lethe.events.DeletionRequested;
import io.lethe.events.ErasureTask;
import io.lethe.events.Reason;
import io.lethe.events.Regulation;
import io.lethe.events.Scope;
import io.lethe.scanner.ScannerProcessor;
import io.lethe.schemas.Ids;
import io.lethe.schemas.Topics;
import io.lethe.worker.coordinator.RequestValidation;
import io.lethe.worker.erasers.TaskValidation;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One id rule ({@link Ids}) for the whole event contract: the API, the worker's coordinator, the
 * erasers and the retention scanner accept and refuse exactly the same customer ids and tenants.
 */
class IdRuleTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static Stream<String> ids() {
        return Stream.of("cust-1", "a/b", "é", "emoji-\uD83D\uDE00", "x".repeat(128), "", " ", "\t", "x".repeat(129), "a\u0000b",
                "a\u007fb", "a\u0085b", "lone-\uD800", "lone-\uDC00-end", "<script>");
    }

    static Stream<String> tenants() {
        return Stream.concat(ids(), Stream.of("acme/eu", "/", "acme"));
    }

    private static boolean refused(Runnable check) {
        try {
            check.run();
            return false;
        } catch (RuntimeException e) {
            return true;
        }
    }

    private static DeletionRequested request(String tenant, String customer) {
        return DeletionRequested.newBuilder().setRequestId("r-1").setTenant(tenant).setCustomerId(customer).setScope(Scope.PROFILE)
                .setItemId(null).setReason(Reason.CUSTOMER_REQUEST).setRegulation(Regulation.GDPR).setActor("alice")
                .setRequestedAt(T0).setDueAt(T0.plusSeconds(60)).build();
    }

    private static ErasureTask task(String tenant, String customer) {
        return ErasureTask.newBuilder().setTaskId("r-1/conversations").setRequestId("r-1").setTenant(tenant).setCustomerId(customer)
                .setScope(Scope.PROFILE).setItemId(null).setDataType("conversations").setAttempt(1).setIssuedAt(T0).build();
    }

    private static ContactActivity activity(String tenant, String customer) {
        return ContactActivity.newBuilder().setTenant(tenant).setCustomerId(customer).setContactId("c-1").setOccurredAt(T0).build();
    }

    @ParameterizedTest
    @MethodSource("ids")
    void shouldAcceptOrRefuseACustomerIdAlikeEverywhere(String id) {
        boolean expected = Ids.problem(id) != null;
        ObjectNode body = new ObjectMapper().createObjectNode().put("scope", "PROFILE").put("customerId", id)
                .put("reason", "CUSTOMER_REQUEST").put("regulation", "GDPR");
        List<Boolean> verdicts = List.of(
                refused(() -> CreateRequest.parse(body)),
                refused(() -> RequestValidation.check(Topics.subjectKey("acme", id), request("acme", id))),
                refused(() -> TaskValidation.check(task("acme", id), "conversations")),
                refused(() -> ScannerProcessor.validate(activity("acme", id))));
        assertThat(verdicts).as("API, coordinator, eraser, scanner on %s", id).containsOnly(expected);
    }

    @ParameterizedTest
    @MethodSource("tenants")
    void shouldAcceptOrRefuseATenantAlikeEverywhere(String tenant) {
        boolean expected = Ids.tenantProblem(tenant) != null;
        List<Boolean> verdicts = List.of(
                refused(() -> RequestValidation.check(Topics.subjectKey(tenant, "c-1"), request(tenant, "c-1"))),
                refused(() -> TaskValidation.check(task(tenant, "c-1"), "conversations")),
                refused(() -> ScannerProcessor.validate(activity(tenant, "c-1"))));
        assertThat(verdicts).as("coordinator, eraser, scanner on tenant %s", tenant).containsOnly(expected);
    }
}

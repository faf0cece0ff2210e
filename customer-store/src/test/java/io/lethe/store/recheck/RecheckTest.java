package io.lethe.store.recheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.events.AuditEvent;
import io.lethe.events.AuditType;
import io.lethe.events.Regulation;
import io.lethe.events.Scope;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.store.CustomerStore;
import io.lethe.store.StoreFixture;
import io.lethe.store.blob.BlobKeys;
import io.lethe.store.erase.BatchEraser;
import io.lethe.store.erase.Erasers;
import io.lethe.store.erase.ErasureTarget;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The recheck engine against the real store: what came back, per request and data type, whatever the batch size. */
@ExtendWith(LocalStackExtension.class)
class RecheckTest {

    private static final Instant DONE = Instant.parse("2026-06-01T00:00:00Z");
    private static final List<String> PROFILE_TYPES = List.copyOf(Erasers.builtIn().keySet());
    private static CustomerStore store;
    private final StoreFixture fx = new StoreFixture();
    private final String tenant = StoreFixture.newTenant();

    @BeforeAll
    static void setUp(DatabaseEndpoint db) {
        store = StoreFixture.store(db);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 500})
    void shouldReportExactlyTheRequestsAndDataTypesWhoseDataCameBack(int batchSize) throws Exception {
        // Given three erased profiles and one erased recording
        for (String c : List.of("c1", "c2", "c3", "c4")) {
            fx.seedCustomer(store, tenant, c);
        }
        for (String c : List.of("c1", "c2", "c3")) {
            erase(ErasureTarget.profile("p-" + c, tenant, c));
        }
        erase(new ErasureTarget("rec-c4", tenant, "c4", Scope.VOICE_RECORDING, "c4-r0"));
        // And a restore brought back c2's phone row and c4's recording audio
        exec("insert into customer_phones (tenant_id, id, customer_id, phone, kind) values ('" + tenant + "', 'back', 'c2',"
                + " '+1 555 0199', 'HOME')");
        fx.blobs.put(BlobKeys.recording(tenant, "c4-r0"), new byte[] {9});

        // When
        List<Finding> found = new ArrayList<>();
        Recheck recheck = new Recheck(store.dataSource(), fx.blobs, Erasers.builtIn(), batchSize, 0, Duration.ofSeconds(30), found::add);
        for (String c : List.of("c1", "c2", "c3")) {
            recheck.accept(erased("p-" + c, c, Scope.PROFILE, null, PROFILE_TYPES));
        }
        recheck.accept(erased("rec-c4", "c4", Scope.VOICE_RECORDING, "c4-r0", List.of(Erasers.ATTACHMENTS, "billing-invoices")));
        Recheck.Stats stats = recheck.finish();

        // Then
        assertThat(found).extracting(f -> f.request().requestId() + " " + f.dataType() + " " + f.count())
                .containsExactlyInAnyOrder("p-c2 customer-details 1", "rec-c4 attachments 1");
        assertThat(stats.requests()).isEqualTo(4);
        assertThat(stats.findings()).isEqualTo(2);
        assertThat(stats.unchecked()).isEqualTo(Map.of("billing-invoices", 1L));
    }

    @Test
    void shouldTakeTheErasedRequestFromACompletedAuditEventOnly() {
        AuditEvent.Builder e = AuditEvent.newBuilder().setEventId("e").setRequestId("r1").setTenant(tenant).setCustomerId("c1")
                .setActor("deletion-worker").setScope(Scope.ATTACHMENT).setItemId("a1").setRegulation(Regulation.CCPA)
                .setRequiredDataTypes(List.of("attachments")).setRequestedAt(DONE).setDueAt(DONE.plus(Duration.ofDays(45)))
                .setOccurredAt(DONE.plusSeconds(5));

        assertThat(ErasedRequest.of(e.setType(AuditType.ACCEPTED).build())).isEmpty();
        assertThat(ErasedRequest.of(e.setType(AuditType.FAILED).build())).isEmpty();
        assertThat(ErasedRequest.of(e.setType(AuditType.COMPLETED).build())).contains(new ErasedRequest("r1", tenant, "c1",
                Scope.ATTACHMENT, "a1", List.of("attachments"), Regulation.CCPA, DONE.plusSeconds(5), Duration.ofDays(45)));
    }

    @Test
    void shouldRefuseANonsensicalBatchOrRate() {
        assertThatThrownBy(() -> new Recheck(store.dataSource(), fx.blobs, Erasers.builtIn(), 0, 0, Duration.ofSeconds(1), f -> { }))
                .hasMessageContaining("batch size must be at least 1");
        assertThatThrownBy(() -> new Recheck(store.dataSource(), fx.blobs, Erasers.builtIn(), 10, -1, Duration.ofSeconds(1), f -> { }))
                .hasMessageContaining("rate must be a finite number, not negative");
    }

    private ErasedRequest erased(String requestId, String customer, Scope scope, String item, List<String> types) {
        return new ErasedRequest(requestId, tenant, customer, scope, item, types, Regulation.GDPR, DONE, Duration.ofDays(30));
    }

    private void erase(ErasureTarget target) throws Exception {
        for (var e : Erasers.builtIn().values()) {
            if (e.scopes().contains(target.scope())) {
                new BatchEraser(store.dataSource(), fx.blobs, e).run(List.of(target));
            }
        }
    }

    private static void exec(String sql) throws Exception {
        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}

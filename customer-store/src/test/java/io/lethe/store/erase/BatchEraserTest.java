package io.lethe.store.erase;

import static io.lethe.store.StoreFixture.column;
import static io.lethe.store.StoreFixture.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.events.Scope;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.store.CustomerStore;
import io.lethe.store.StoreFixture;
import io.lethe.store.blob.BlobKeys;
import io.lethe.store.blob.BlobStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class BatchEraserTest {

    private static CustomerStore store;
    private static DatabaseEndpoint endpoint;
    private final StoreFixture fx = new StoreFixture();
    private final String tenant = StoreFixture.newTenant();

    @BeforeAll
    static void setUp(DatabaseEndpoint db) {
        endpoint = db;
        store = StoreFixture.store(db);
    }

    @Test
    void shouldEraseABatchOfManyTargetsInOneCall() throws SQLException {
        // Given: 40 customers; profiles of the even ones, one contact of each odd one
        List<ErasureTarget> targets = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String customer = "c" + i;
            fx.seedCustomer(store, tenant, customer);
            targets.add(i % 2 == 0 ? ErasureTarget.profile("task-" + i, tenant, customer)
                    : new ErasureTarget("task-" + i, tenant, customer, Scope.CONTACT, customer + "-ct1"));
        }
        var eraser = new BatchEraser(store.dataSource(), fx.blobs, Erasers.builtIn().get(Erasers.CONVERSATIONS));

        // When
        Map<String, ErasureCounts> result = eraser.run(targets);

        // Then
        assertThat(result).hasSize(40);
        for (int i = 0; i < 40; i++) {
            ErasureCounts counts = result.get("task-" + i);
            assertThat(counts).as("task-" + i).isEqualTo(new ErasureCounts(i % 2 == 0 ? 6 : 1, 0, 0, 0, null));
        }
        assertThat(count(store, "select count(body) from contacts where tenant_id = ?", tenant)).isEqualTo(20 * 2);
    }

    @Test
    void shouldRollBackTheWholeBatchWhenAStatementFailsMidway() throws SQLException {
        // Given: an eraser whose last statement fails after the built-in ones ran
        fx.seedCustomer(store, tenant, "c1");
        fx.seedCustomer(store, tenant, "c2");
        Eraser attachments = Erasers.builtIn().get(Erasers.ATTACHMENTS);
        Eraser failsLast = new Eraser() {
            @Override
            public String dataType() {
                return "fails-last";
            }

            @Override
            public Set<Scope> scopes() {
                return attachments.scopes();
            }

            @Override
            public void erase(Connection tx, List<ErasureTarget> targets, ErasureTally tally) throws SQLException {
                attachments.erase(tx, targets, tally);
                Erasers.builtIn().get(Erasers.CONVERSATIONS).erase(tx, targets, tally);
                try (Statement s = tx.createStatement()) {
                    s.execute("select 1 / 0");
                }
            }

            @Override
            public Map<String, Long> residual(Connection c, BlobStore blobs, List<ErasureTarget> targets)
                    throws SQLException {
                return attachments.residual(c, blobs, targets);
            }
        };

        // When / Then
        assertThatThrownBy(() -> new BatchEraser(store.dataSource(), fx.blobs, failsLast)
                .run(List.of(ErasureTarget.profile("a", tenant, "c1"), ErasureTarget.profile("b", tenant, "c2"))))
                .isInstanceOf(SQLException.class).hasMessageContaining("division by zero");
        assertThat(column(store, "select file_name from attachments where tenant_id = ?", tenant))
                .hasSize(4).doesNotContainNull();
        assertThat(count(store, "select count(body) from contacts where tenant_id = ?", tenant)).isEqualTo(6);
        assertThat(fx.blobs.exists(BlobKeys.attachment(tenant, "c1-a0"))).isTrue();
        assertThat(fx.blobs.exists(BlobKeys.recording(tenant, "c2-r0"))).isTrue();
    }

    @Test
    void shouldPropagateTheFailureWhenTheDatabaseIsUnreachable() throws SQLException {
        // Given
        fx.seedCustomer(store, tenant, "c1");
        CustomerStore closed = CustomerStore.connect(endpoint.jdbcUrl(), endpoint.user(), endpoint.password());
        closed.close();
        var eraser = new BatchEraser(closed.dataSource(), fx.blobs, Erasers.builtIn().get(Erasers.ATTACHMENTS));

        // When / Then
        assertThatThrownBy(() -> eraser.run(List.of(ErasureTarget.profile("a", tenant, "c1"))))
                .isInstanceOf(SQLException.class);
        assertThat(fx.blobs.exists(BlobKeys.attachment(tenant, "c1-a0"))).isTrue();
    }

    @Test
    void shouldRejectDuplicateTaskIdsAndItemScopesWithoutItem() {
        var eraser = new BatchEraser(store.dataSource(), fx.blobs, Erasers.builtIn().get(Erasers.ATTACHMENTS));
        assertThatThrownBy(() -> eraser.run(List.of(ErasureTarget.profile("a", tenant, "c1"),
                ErasureTarget.profile("a", tenant, "c2")))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ErasureTarget("a", tenant, "c1", Scope.ATTACHMENT, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldGiveUpOnAStatementStuckBehindALockAfterTheStatementTimeout() throws Exception {
        // Given a customer whose contacts another session holds locked and does not release
        fx.seedCustomer(store, tenant, "locked");
        try (Connection holder = store.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (var lock = holder.prepareStatement("select id from contacts where tenant_id = ? and customer_id = ? for update")) {
                lock.setString(1, tenant);
                lock.setString(2, "locked");
                lock.executeQuery().close();
            }
            var eraser = new BatchEraser(store.dataSource(), fx.blobs, Erasers.builtIn().get(Erasers.CONVERSATIONS),
                    java.time.Duration.ofSeconds(1));

            // When the eraser runs, it fails with PostgreSQL's statement timeout instead of waiting for ever
            long started = System.nanoTime();
            assertThatThrownBy(() -> eraser.run(List.of(ErasureTarget.profile("t", tenant, "locked"))))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014"));
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(30));
            holder.rollback();
        }
        // Then nothing was erased, and the pooled connections kept no timeout (SET LOCAL)
        assertThat(count(store, "select count(body) from contacts where tenant_id = ? and customer_id = 'locked'", tenant))
                .isPositive();
        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement();
             var rs = st.executeQuery("show statement_timeout")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("0");
        }
    }

    /**
     * Counts the statements and transactions the eraser sends: a wrapper around the real pool's
     * connections (the statements still run on PostgreSQL), not a stand-in for the database.
     */
    private static final class Counting {
        final java.util.concurrent.atomic.AtomicInteger statements = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger commits = new java.util.concurrent.atomic.AtomicInteger();

        javax.sql.DataSource wrap(javax.sql.DataSource real) {
            return (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {javax.sql.DataSource.class}, (proxy, m, args) -> {
                        Object r = invoke(real, m, args);
                        return r instanceof Connection c ? connection(c) : r;
                    });
        }

        private Connection connection(Connection real) {
            return (Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, m, args) -> {
                        if (m.getName().equals("commit")) {
                            commits.incrementAndGet();
                        }
                        Object r = invoke(real, m, args);
                        if (r instanceof Statement st) {
                            return statement(st, m.getReturnType());
                        }
                        return r;
                    });
        }

        private Object statement(Statement real, Class<?> type) {
            return java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
                if (m.getName().startsWith("execute")) {
                    statements.incrementAndGet();
                }
                return invoke(real, m, args);
            });
        }

        private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
            try {
                return m.invoke(target, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    @Test
    void shouldSendAsManyStatementsForFortyTargetsAsForOne() throws SQLException {
        // Given one profile, and then forty profiles, of seeded customers
        for (int i = 0; i < 41; i++) {
            fx.seedCustomer(store, tenant, "s" + i);
        }
        for (String type : Erasers.builtIn().keySet()) {
            Counting one = new Counting();
            Counting forty = new Counting();
            List<ErasureTarget> many = new ArrayList<>();
            for (int i = 1; i <= 40; i++) {
                many.add(ErasureTarget.profile(type + "-" + i, tenant, "s" + i));
            }
            if (type.equals(Erasers.CUSTOMER_DETAILS)) {
                // customer details come after the other data types, as in a PROFILE deletion
                for (String first : List.of(Erasers.CONVERSATIONS, Erasers.ATTACHMENTS, Erasers.INTEGRATION_DATA)) {
                    var phase1 = new BatchEraser(store.dataSource(), fx.blobs, Erasers.builtIn().get(first));
                    phase1.run(List.of(ErasureTarget.profile("p1-0", tenant, "s0")));
                    phase1.run(many.stream().map(t -> ErasureTarget.profile("p1-" + t.taskId(), tenant, t.customerId())).toList());
                }
            }

            // When each batch is erased
            new BatchEraser(one.wrap(store.dataSource()), fx.blobs, Erasers.builtIn().get(type))
                    .run(List.of(ErasureTarget.profile(type + "-0", tenant, "s0")));
            Map<String, ErasureCounts> result = new BatchEraser(forty.wrap(store.dataSource()), fx.blobs, Erasers.builtIn().get(type))
                    .run(many);

            // Then the forty took the same statements and transactions as the one: no round trip per task
            assertThat(result.values()).as(type).allSatisfy(c -> assertThat(c.errorCode()).isNull());
            assertThat(forty.statements.get()).as(type + " statements").isEqualTo(one.statements.get()).isPositive();
            assertThat(forty.commits.get()).as(type + " commits").isEqualTo(one.commits.get());
        }
    }
}

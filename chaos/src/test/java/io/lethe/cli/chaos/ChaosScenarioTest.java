package io.lethe.cli.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The short fault scenario of the normal build: the services as child JVMs, about 300 requests
 * over HTTP, one worker kill -9 and restart and one PostgreSQL outage, with a schema registry (every record in
 * the Confluent wire format); every check of
 * {@link Checks} must hold. The full run is {@code lethe chaos} (docs/reliability.md).
 */
class ChaosScenarioTest {

    @Test
    void shouldCompleteAndVerifyEveryAcceptedRequestThroughAWorkerKillAndADatabaseOutage() throws Exception {
        // Given a fresh broker, database and services as processes
        Path dir = Files.createTempDirectory("lethe-chaos-test-");

        // When 300 requests are submitted while the worker is killed and PostgreSQL goes away
        ChaosReport r = ChaosRun.run(ChaosRun.Options.quick(dir, 300, System.out).withSchemaRegistry());
        System.out.println(r.table());

        // Then every check holds
        assertThat(r.problems()).as("problems (service logs in %s)", dir).isEmpty();
        assertThat(r.accepted()).isEqualTo(300);
        assertThat(r.completed() + r.expectedNotFound()).isEqualTo(r.accepted());
        assertThat(r.verified()).isEqualTo(r.completed());
        assertThat(r.faults()).filteredOn(f -> f.fault().startsWith("worker kill")).allSatisfy(f -> assertThat(f.injected()).isEqualTo(1));
        assertThat(r.residualCustomers()).isZero();
        assertThat(r.auditVerifyExit()).isZero();
        assertThat(r.retriesByError()).as("the outage hit requests in flight").containsKey("DB_UNAVAILABLE");
    }
}

package io.lethe.cli.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.events.DeletionRequested;
import io.lethe.events.Reason;
import io.lethe.events.Regulation;
import io.lethe.events.Scope;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.localstack.TestStack;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.LetheProducer;
import io.lethe.schemas.Topics;
import io.lethe.store.CustomerStore;
import io.lethe.store.blob.FileBlobStore;
import io.lethe.store.census.PiiCensus;
import io.lethe.store.seed.Seeder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code lethe dev} stopped and started again on the same directory: it does not seed again,
 * the earlier token still works, and a deletion accepted while it was down is carried out.
 */
@ExtendWith(LocalStackExtension.class)
class DevRestartTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void shouldResumeOnTheSameDirectoryWithoutReseedingAndCarryOutWhatWasAcceptedMeanwhile(KafkaEndpoint kafka, DatabaseEndpoint db)
            throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String tenant = "demo-" + id;
        Path dir = TestStack.newDirectory("dev-restart");
        String jdbc = db.createDatabase("restart_" + id).jdbcUrl();
        DevEnvironment.Options options = new DevEnvironment.Options(dir, tenant, 20, 0, 0, 0, Duration.ofSeconds(1),
                "r" + id + ".", kafka.bootstrapServers(), jdbc, db.user(), db.password());

        // Given a dev environment that seeded 20 customers, and the token it handed out
        String token;
        KafkaSettings settings;
        try (DevEnvironment first = DevEnvironment.start(options)) {
            token = first.token();
            settings = new KafkaSettings(first.config());
        }
        try (CustomerStore store = CustomerStore.connect(jdbc, db.user(), db.password())) {
            assertThat(DevEnvironment.customers(store, tenant)).isEqualTo(20);
            String customer = Seeder.customerId(7);
            assertThat(pii(store, dir, tenant, customer)).isPositive();

            // When, while it is down, a deletion is accepted onto the requests topic (as the API had just done)
            String requestId = UUID.randomUUID().toString();
            try (LetheProducer producer = new LetheProducer(settings, "restart-test")) {
                producer.send(settings.topics().deletionRequests(), Topics.subjectKey(tenant, customer), DeletionRequested.newBuilder()
                        .setRequestId(requestId).setTenant(tenant).setCustomerId(customer).setScope(Scope.PROFILE).setItemId(null)
                        .setReason(Reason.CUSTOMER_REQUEST).setRegulation(Regulation.GDPR).setActor("dev-admin")
                        .setRequestedAt(Instant.now()).setDueAt(Instant.now().plus(Duration.ofDays(30))).setBulkId(null)
                        .setRedrive(false).setRequestHash(null).build()).get();
            }

            // And it is started again on the same directory
            try (DevEnvironment second = DevEnvironment.start(options)) {
                // Then nothing was seeded twice, the old token is still good, and the deletion completes verified
                assertThat(DevEnvironment.customers(store, tenant)).isEqualTo(20);
                JsonNode[] last = new JsonNode[1];
                await("deletion carried out after the restart").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                        .until(() -> {
                            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                                            URI.create(second.apiUrl() + "/v1/deletion-requests/" + requestId))
                                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                            last[0] = r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
                            return last[0] != null && last[0].get("status").asText().equals("COMPLETED");
                        });
                assertThat(last[0].get("verified").asBoolean()).isTrue();
                assertThat(pii(store, dir, tenant, customer)).isZero();
                assertThat(pii(store, dir, tenant, Seeder.customerId(8))).isPositive();
            }
        }
    }

    @Test
    void shouldDeleteTheWholeStateDirectoryForAFreshStart() throws Exception {
        Path dir = TestStack.newDirectory("dev-fresh");
        Files.createDirectories(dir.resolve("state/worker/0_1"));
        Files.writeString(dir.resolve("state/worker/0_1/checkpoint"), "x");
        Files.writeString(dir.resolve("dev.env"), "LETHE_API_URL=x\n");

        DevCommand.deleteTree(dir);
        DevCommand.deleteTree(dir.resolve("never-existed"));

        assertThat(dir).doesNotExist();
    }

    private static long pii(CustomerStore store, Path dir, String tenant, String customer) throws Exception {
        try (Connection c = store.dataSource().getConnection()) {
            return PiiCensus.remainingPii(c, new FileBlobStore(dir.resolve("blobs")), tenant, customer);
        }
    }
}

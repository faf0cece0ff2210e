package io.lethe.cli;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.cli.dev.DevEnvironment;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.localstack.TestStack;
import io.lethe.store.CustomerStore;
import io.lethe.store.blob.FileBlobStore;
import io.lethe.store.census.PiiCensus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The whole of Lethe as {@code lethe dev} wires it (DevEnvironment), on the shared test broker
 * and its own database, with random ports and topic prefix, called over HTTP like a user would.
 */
final class DevStack implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    final String id = UUID.randomUUID().toString().substring(0, 8);
    final String tenant = "demo-" + id;
    final Path dir = TestStack.newDirectory("dev");
    final DevEnvironment env;
    final CustomerStore store;
    final FileBlobStore blobs;

    record Res(int status, JsonNode json, String body) {
    }

    DevStack(KafkaEndpoint kafka, DatabaseEndpoint db, int customers) throws Exception {
        String jdbc = db.createDatabase("e2e_" + id).jdbcUrl();
        env = DevEnvironment.start(new DevEnvironment.Options(dir, tenant, customers, 0, 0, 0, Duration.ofSeconds(1),
                "e" + id + ".", kafka.bootstrapServers(), jdbc, db.user(), db.password()));
        store = CustomerStore.connect(jdbc, db.user(), db.password());
        blobs = new FileBlobStore(dir.resolve("blobs"));
        await("api ready").atMost(Duration.ofSeconds(60)).until(() -> call("GET", "/health/ready", null).status() == 200);
    }

    Res call(String method, String path, String body) {
        return call(method, path, body, env.token());
    }

    Res call(String method, String path, String body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(env.apiUrl() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = JSON.readTree(r.body());
            } catch (Exception notJson) {
                // metrics text
            }
            return new Res(r.statusCode(), json, r.body());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path, e);
        }
    }

    /** Asks the API for a deletion (CUSTOMER_REQUEST, GDPR) and returns its request id; fails unless answered 202. */
    String requestDeletion(String scope, String customer, String item) {
        String body = "{\"scope\":\"" + scope + "\",\"customerId\":\"" + customer + "\","
                + (item == null ? "" : "\"itemId\":\"" + item + "\",") + "\"reason\":\"CUSTOMER_REQUEST\",\"regulation\":\"GDPR\"}";
        Res r = call("POST", "/v1/deletion-requests", body);
        if (r.status() != 202) {
            throw new AssertionError("expected 202 for " + body + ", got " + r.status() + ": " + r.body());
        }
        return r.json().get("requestId").asText();
    }

    JsonNode awaitTerminal(String requestId) {
        JsonNode[] last = new JsonNode[1];
        await("request " + requestId + " terminal").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            Res r = call("GET", "/v1/deletion-requests/" + requestId, null);
            last[0] = r.json();
            return r.status() == 200 && List.of("COMPLETED", "FAILED").contains(r.json().get("status").asText());
        });
        return last[0];
    }

    long pii(String customerId) throws Exception {
        try (Connection c = store.dataSource().getConnection()) {
            return PiiCensus.remainingPii(c, blobs, tenant, customerId);
        }
    }

    List<String> strings(String sql, Object... args) throws Exception {
        try (Connection c = store.dataSource().getConnection(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    @Override
    public void close() {
        env.close();
        store.close();
    }
}

package io.lethe.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.DeletionApi;
import io.lethe.api.auth.DevKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP/1.1 keep-alive clients of an in-process {@link DeletionApi}, each its own
 * {@link HttpClient} (its own connection), with a dev token of the scenario's tenant.
 */
final class ApiClients {

    /** One answered POST: status, the requestId of a 202 (else null), and the moment the answer arrived. */
    record Answer(int status, String requestId, long answeredAtNanos) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<HttpClient> clients = new ArrayList<>();
    private final URI create;
    private final URI ready;
    private final String token;

    ApiClients(DeletionApi api, Path devKeyDir, String tenant, int count) {
        for (int i = 0; i < count; i++) {
            clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build());
        }
        String base = "http://127.0.0.1:" + api.port();
        create = URI.create(base + "/v1/deletion-requests");
        ready = URI.create(base + "/health/ready");
        token = DevKeys.loadOrCreate(devKeyDir).mint(tenant, List.of("compliance_admin"), "bench-admin", Duration.ofHours(2));
    }

    int size() {
        return clients.size();
    }

    void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (clients.get(0).send(HttpRequest.newBuilder(ready).GET().build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (Exception notYet) {
                // the server is starting
            }
        }
        throw new IllegalStateException("the deletion API did not become ready within " + timeout);
    }

    /** POSTs a PROFILE deletion of {@code customerId} on client {@code client}. */
    Answer createProfileDeletion(int client, String customerId) {
        String body = "{\"scope\":\"PROFILE\",\"customerId\":\"" + customerId
                + "\",\"reason\":\"CUSTOMER_REQUEST\",\"regulation\":\"GDPR\"}";
        HttpRequest request = HttpRequest.newBuilder(create).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> r = clients.get(client).send(request, HttpResponse.BodyHandlers.ofString());
            long at = System.nanoTime();
            String requestId = r.statusCode() == 202 ? JSON.readTree(r.body()).get("requestId").asText() : null;
            return new Answer(r.statusCode(), requestId, at);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, null, System.nanoTime());
        } catch (Exception e) {
            return new Answer(-1, null, System.nanoTime());
        }
    }
}

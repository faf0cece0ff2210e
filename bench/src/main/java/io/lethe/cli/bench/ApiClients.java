package io.lethe.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.DeletionApi;
import io.lethe.api.auth.DevKeys;
import io.lethe.cli.http.ApiClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HTTP/1.1 keep-alive clients of an in-process {@link DeletionApi}, each its own
 * {@link ApiClient} (its own connection), with a dev token of the scenario's tenant.
 */
final class ApiClients {

    /** One answered POST: status, the requestId of a 202 (else null), and the moment the answer arrived. */
    record Answer(int status, String requestId, long answeredAtNanos) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<ApiClient> clients = new ArrayList<>();

    ApiClients(DeletionApi api, Path devKeyDir, String tenant, int count) {
        this(api.port(), devKeyDir, tenant, count);
    }

    /** Clients of whatever answers on {@code port} (the bare endpoint of {@link ApiCeiling} ignores the token). */
    ApiClients(int port, Path devKeyDir, String tenant, int count) {
        String token = DevKeys.loadOrCreate(devKeyDir).mint(tenant, List.of("compliance_admin"), "bench-admin", Duration.ofHours(2));
        for (int i = 0; i < count; i++) {
            clients.add(new ApiClient("http://127.0.0.1:" + port, token, Duration.ofSeconds(10)));
        }
    }

    int size() {
        return clients.size();
    }

    void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (clients.get(0).ready()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("the deletion API did not become ready within " + timeout);
    }

    /** POSTs a PROFILE deletion of {@code customerId} on client {@code client}. */
    Answer createProfileDeletion(int client, String customerId) {
        try {
            HttpResponse<String> r = clients.get(client).send("POST", "/v1/deletion-requests", ApiClient.profileDeletion(customerId),
                    Map.of());
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

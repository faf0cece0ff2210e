package io.lethe.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.cli.LastContacts;
import io.lethe.localstack.ServiceProcess;
import io.lethe.store.seed.Seeder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a fault run asks of Lethe, as its users would: every customer's last contact published
 * (as the platform does), a retention policy set through the API with its confirmation, and
 * deletion requests of every scope submitted over HTTP at a steady pace, each retried with its
 * Idempotency-Key through 503s and restarts.
 */
final class Workload {

    /** One planned request: PROFILE, or an item scope with its item; {@code foreignItem}: the item belongs to someone else. */
    record Planned(int n, String scope, String customerId, String itemId, boolean foreignItem) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChaosRun.Options o;
    private final ChaosStack stack;
    private final Random random;
    private final AtomicInteger status503 = new AtomicInteger();
    private final AtomicInteger acceptedSoFar = new AtomicInteger();

    Workload(ChaosRun.Options o, ChaosStack stack, Random random) {
        this.o = o;
        this.stack = stack;
        this.random = random;
    }

    int acceptedSoFar() {
        return acceptedSoFar.get();
    }

    int status503() {
        return status503.get();
    }

    /** The seconds over which requests are spread (and faults injected). */
    int submitSeconds() {
        return o.requests() >= 2000 ? 420 : 60;
    }

    /** Publishes every seeded customer's last contact; returns them by customer. */
    Map<String, Instant> publishActivity() {
        return LastContacts.publishAll(stack.settings(), stack.store().dataSource(), ChaosStack.TENANT, "chaos-activity",
                "seed-last-contact");
    }

    /** The smallest whole number of days that expires at most about 5% of the customers (at least one). */
    static int retentionDays(Map<String, Instant> last, Instant now) {
        List<Instant> sorted = new ArrayList<>(last.values());
        sorted.sort(Comparator.naturalOrder());
        int target = Math.max(1, last.size() / 20);
        Instant boundary = sorted.get(Math.min(target, sorted.size() - 1));
        return (int) Math.max(1, Duration.between(boundary, now).toDays());
    }

    /** Sets the policy as an administrator would: dry runs until the scanner counts {@code expected}, then confirmed. */
    void putPolicy(int days, int expected) {
        try {
            stack.api().setRetentionConfirmed(days, expected, Duration.ofSeconds(120));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** PROFILE and item requests over disjoint customers outside {@code expiring}, and a few foreign items; shuffled. */
    List<Planned> plan(Set<String> expiring) {
        List<String> customers = new ArrayList<>();
        for (int n = 1; n <= o.customers(); n++) {
            if (!expiring.contains(Seeder.customerId(n))) {
                customers.add(Seeder.customerId(n));
            }
        }
        Collections.shuffle(customers, random);
        List<Planned> plan = new ArrayList<>();
        int profiles = Math.min(o.requests() * 2 / 5, customers.size() / 2);
        int foreign = Math.max(2, o.requests() / 100);
        int items = o.requests() - profiles - foreign;
        int next = 0;
        for (int i = 0; i < profiles; i++) {
            plan.add(new Planned(plan.size(), "PROFILE", customers.get(next++), null, false));
        }
        List<String[]> itemPool = items(customers.subList(next, customers.size() * 3 / 4));
        Collections.shuffle(itemPool, random);
        if (itemPool.size() < items) {
            throw new IllegalStateException("only " + itemPool.size() + " items for " + items + " item requests: seed more customers");
        }
        for (int i = 0; i < items; i++) {
            String[] it = itemPool.get(i);
            plan.add(new Planned(plan.size(), it[0], it[1], it[2], false));
        }
        // an item of one (untouched) customer requested for another: must fail, erase nothing
        List<String[]> others = items(customers.subList(customers.size() * 3 / 4, customers.size()));
        for (int i = 0; i < foreign && i < others.size(); i++) {
            String[] it = others.get(i);
            plan.add(new Planned(plan.size(), it[0], customers.get(i), it[2], true));
        }
        Collections.shuffle(plan, random);
        o.print("plan: %d PROFILE, %d item, %d foreign-item requests (%d customers expire by retention)", profiles,
                plan.stream().filter(p -> !p.scope().equals("PROFILE") && !p.foreignItem()).count(), foreign, expiring.size());
        return plan;
    }

    /** (scope, owner, itemId) for every contact, attachment and recording of these customers. */
    private List<String[]> items(List<String> customers) {
        List<String[]> out = new ArrayList<>();
        String sql = "select 'CONTACT', customer_id, id from contacts where tenant_id = ? and customer_id = any(?)"
                + " union all select 'ATTACHMENT', customer_id, id from attachments where tenant_id = ? and customer_id = any(?)"
                + " union all select 'VOICE_RECORDING', customer_id, id from voice_recordings where tenant_id = ? and customer_id = any(?)";
        try (Connection c = stack.store().dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            var arr = c.createArrayOf("text", customers.toArray());
            for (int i = 0; i < 3; i++) {
                ps.setString(2 * i + 1, ChaosStack.TENANT);
                ps.setArray(2 * i + 2, arr);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        out.sort(Comparator.comparing((String[] a) -> a[2]));
        return out;
    }

    /** Submits the plan spread over {@link #submitSeconds()}; {@code accepted} gets each request's id by plan number. */
    void submitAll(List<Planned> plan, Map<Integer, String> accepted) {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        long spacingMicros = Math.max(1, submitSeconds() * 1_000_000L / Math.max(1, plan.size()));
        long t0 = System.nanoTime();
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            Planned p = plan.get(i);
            long due = t0 + i * spacingMicros * 1000;
            all.add(pool.submit(() -> {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    ServiceProcess.sleep(Duration.ofNanos(wait));
                }
                accepted.put(p.n(), submit(p));
            }));
        }
        for (Future<?> f : all) {
            try {
                f.get();
            } catch (Exception e) {
                pool.shutdownNow();
                throw new IllegalStateException("submission failed: " + e, e);
            }
        }
        pool.shutdown();
    }

    /** POST until 202, retrying 503s and connection failures with the same Idempotency-Key. */
    private String submit(Planned p) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("scope", p.scope());
        body.put("customerId", p.customerId());
        if (p.itemId() != null) {
            body.put("itemId", p.itemId());
        }
        body.put("reason", "CUSTOMER_REQUEST");
        body.put("regulation", p.n() % 3 == 0 ? "CCPA" : "GDPR");
        String json;
        try {
            json = JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<String> r = stack.api().send("POST", "/v1/deletion-requests", json,
                        Map.of("Idempotency-Key", "chaos-" + o.seed() + "-" + p.n()));
                if (r.statusCode() == 202) {
                    acceptedSoFar.incrementAndGet();
                    return JSON.readTree(r.body()).get("requestId").asText();
                }
                if (r.statusCode() == 503) {
                    status503.incrementAndGet();
                } else if (r.statusCode() < 500) {
                    throw new IllegalStateException("request " + p.n() + " answered " + r.statusCode() + ": " + r.body());
                }
            } catch (IOException e) {
                // API restarting or unreachable: retry
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            ServiceProcess.sleep(Duration.ofMillis(500));
        }
        throw new IllegalStateException("request " + p.n() + " never accepted");
    }

    /** Redrives a request that ended FAILED, as an operator would (POST …/retry), trying for about 40 s. */
    void redrive(String requestId) {
        String path = "/v1/deletion-requests/" + requestId + "/retry";
        for (int i = 0; i < 20; i++) {
            try {
                HttpResponse<String> r = send("POST", path, null, Map.of());
                if (r.statusCode() == 202) {
                    return;
                }
                JsonNode j = r.body().isEmpty() ? null : JSON.readTree(r.body());
                o.print("POST %s answered %d %s", path, r.statusCode(), j == null ? "" : j.path("type").asText());
            } catch (IOException | UncheckedIOException e) {
                o.print("POST %s failed: %s", path, e);
            }
            ServiceProcess.sleep(Duration.ofSeconds(2));
        }
    }

    private HttpResponse<String> send(String method, String path, String body, Map<String, String> headers) {
        try {
            return stack.api().send(method, path, body, headers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

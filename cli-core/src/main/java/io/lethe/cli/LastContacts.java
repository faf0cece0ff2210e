package io.lethe.cli;

import io.lethe.events.ContactActivity;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.LetheProducer;
import io.lethe.schemas.Topics;
import io.lethe.store.seed.Seeder;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;

/**
 * Customers' last contacts as the platform publishes them to {@code customer.activity}, the
 * retention scanner's input: what {@code lethe backfill-activity}, the benchmark and the fault
 * harness send for the customers of the store.
 */
public final class LastContacts {

    private LastContacts() {
    }

    /** The activity event of a contact with {@code customerId} at {@code at}; {@code contactId} names where it came from. */
    public static ContactActivity event(String tenant, String customerId, Instant at, String contactId) {
        return ContactActivity.newBuilder().setTenant(tenant).setCustomerId(customerId).setContactId(contactId).setOccurredAt(at)
                .build();
    }

    /** Publishes every customer's last contact of {@code tenant} in the store and waits for all acknowledgements; returns them. */
    public static Map<String, Instant> publishAll(KafkaSettings settings, DataSource store, String tenant, String clientId,
                                                  String contactId) {
        Map<String, Instant> last = new LinkedHashMap<>();
        try (LetheProducer producer = new LetheProducer(settings, clientId)) {
            List<CompletableFuture<?>> sent = new ArrayList<>();
            Seeder.forEachLastContact(store, tenant, (customer, at) -> {
                last.put(customer, at);
                sent.add(producer.send(settings.topics().customerActivity(), Topics.subjectKey(tenant, customer),
                        event(tenant, customer, at, contactId)));
            });
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the last contacts of " + tenant + ": " + e.getMessage(), e);
        }
        return last;
    }
}

package io.lethe.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of the Kafka client library on the class path, read from the
 * {@code kafka/kafka-version.properties} resource that {@code kafka-clients} ships (its own
 * {@code AppInfoParser} is internal API since 4.x). Images and brokers started for tests use it,
 * so they cannot drift from the clients.
 */
public final class KafkaVersion {

    private KafkaVersion() {
    }

    public static String current() {
        try (InputStream in = org.apache.kafka.clients.producer.KafkaProducer.class
                .getResourceAsStream("/kafka/kafka-version.properties")) {
            if (in == null) {
                throw new IllegalStateException("kafka-clients has no kafka/kafka-version.properties");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

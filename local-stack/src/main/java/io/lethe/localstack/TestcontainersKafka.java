package io.lethe.localstack;

import org.testcontainers.kafka.KafkaContainer;

/** The {@code apache/kafka} image of the client version, through Testcontainers (needs Docker). */
final class TestcontainersKafka {

    static final String IMAGE = "apache/kafka:4.4.0";

    private TestcontainersKafka() {
    }

    static String start() {
        KafkaContainer kafka = new KafkaContainer(IMAGE);
        kafka.start();
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop, "testcontainers-kafka-stop"));
        return kafka.getBootstrapServers();
    }
}

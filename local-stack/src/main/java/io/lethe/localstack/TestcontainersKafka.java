package io.lethe.localstack;

import org.testcontainers.kafka.KafkaContainer;

/** The {@code apache/kafka} image of the client version, through Testcontainers (needs Docker). */
final class TestcontainersKafka {

    /** The image of the very Kafka version on the class path, so broker and clients cannot drift apart. */
    static final String IMAGE = "apache/kafka:" + KafkaVersion.current();

    private TestcontainersKafka() {
    }

    static String start() {
        KafkaContainer kafka = new KafkaContainer(IMAGE);
        kafka.start();
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop, "testcontainers-kafka-stop"));
        return kafka.getBootstrapServers();
    }
}

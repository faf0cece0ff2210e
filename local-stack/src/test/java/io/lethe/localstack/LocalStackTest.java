package io.lethe.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class LocalStackTest {

    @Test
    void shouldServeARealBrokerThatStoresAndReturnsRecords(KafkaEndpoint kafka) throws Exception {
        // Given a topic on the shared broker
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("local-stack-test", 1, (short) 1))).all().get();
        }
        // When a record is produced with acks=all
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("local-stack-test", "k", "v")).get();
        }
        // Then a consumer reads it back
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers(),
                "group.id", "local-stack-test", "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(Set.of("local-stack-test"));
            ConsumerRecords<String, String> records = ConsumerRecords.empty();
            for (int i = 0; i < 50 && records.isEmpty(); i++) {
                records = consumer.poll(Duration.ofMillis(200));
            }
            assertThat(records).extracting(r -> r.key() + "=" + r.value()).containsExactly("k=v");
        }
    }

    @Test
    void shouldServeARealPostgres(DatabaseEndpoint db) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             ResultSet rs = c.createStatement().executeQuery("select version()")) {
            rs.next();
            assertThat(rs.getString(1)).startsWith("PostgreSQL");
        }
    }

    @Test
    void shouldKeepTopicsAcrossABrokerRestart() throws Exception {
        // Given a broker of its own with a topic
        KafkaBroker broker = KafkaBroker.start(TestStack.newDirectory("restart"));
        try {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("survives", 1, (short) 1))).all().get();
            }
            // When it is stopped and started again on the same data directory
            broker.restart();
            // Then the topic is still there
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get()).contains("survives");
            }
        } finally {
            broker.close();
        }
    }

    @Test
    void shouldFormatWithAClusterIdThatStartsWithADash() throws Exception {
        // Given a cluster id like one in 64 random ones: starting with '-'
        // When a broker is formatted and started with it
        KafkaBroker broker = KafkaBroker.start(TestStack.newDirectory("dash-id"), "-Ek3dTzVQ7q9s8FQ2mPZ0A");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            // Then it is up and reports that id
            assertThat(admin.describeCluster().clusterId().get()).isEqualTo("-Ek3dTzVQ7q9s8FQ2mPZ0A");
        } finally {
            broker.close();
        }
    }
}

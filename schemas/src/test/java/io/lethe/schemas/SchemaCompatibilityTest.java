package io.lethe.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The build-time compatibility gate: every current schema must read every released version
 * (backward) and be readable by every released version (forward). Releasing a version means
 * copying the current schema to {@code avro-history/<Name>/v<n+1>.avsc}.
 */
class SchemaCompatibilityTest {

    static Stream<String> eventNames() {
        return ReleasedSchemas.EVENT_NAMES.stream();
    }

    @ParameterizedTest
    @MethodSource("eventNames")
    void shouldBeBackwardAndForwardCompatibleWithEveryReleasedVersion(String name) throws Exception {
        Schema current = SpecificData.get().getSchema(Class.forName("io.lethe.events." + name));
        List<Schema> released = ReleasedSchemas.instance().versions(name);

        assertThat(released).as("released versions of %s", name).isNotEmpty();
        assertThat(incompatibilities(current, released)).isEmpty();
    }

    @Test
    void shouldRejectAnIncompatibleChange() {
        // Given the released ErasureResult and a change that adds a required field without a default
        Schema released = ReleasedSchemas.instance().versions("ErasureResult").get(0);
        String json = released.toString().replaceFirst("\"fields\":\\[",
                "\"fields\":[{\"name\":\"mandatoryNew\",\"type\":\"string\"},");
        Schema changed = new Schema.Parser().parse(json);

        // Then the gate reports that the new reader cannot read old records
        assertThat(incompatibilities(changed, List.of(released)))
                .singleElement().asString().contains("backward").contains("mandatoryNew");
    }

    @Test
    void shouldRejectChangingAFieldType() {
        Schema released = ReleasedSchemas.instance().versions("ErasureTask").get(0);
        Schema changed = new Schema.Parser().parse(released.toString()
                .replace("{\"name\":\"attempt\",\"type\":\"int\"", "{\"name\":\"attempt\",\"type\":\"boolean\""));

        assertThat(changed.getField("attempt").schema().getType()).isEqualTo(Schema.Type.BOOLEAN);
        assertThat(incompatibilities(changed, List.of(released))).hasSize(2);
    }

    static List<String> incompatibilities(Schema current, List<Schema> released) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < released.size(); i++) {
            Schema old = released.get(i);
            var backward = SchemaCompatibility.checkReaderWriterCompatibility(current, old);
            if (backward.getType() != SchemaCompatibilityType.COMPATIBLE) {
                problems.add("v" + (i + 1) + " backward: " + backward.getResult().getIncompatibilities());
            }
            var forward = SchemaCompatibility.checkReaderWriterCompatibility(old, current);
            if (forward.getType() != SchemaCompatibilityType.COMPATIBLE) {
                problems.add("v" + (i + 1) + " forward: " + forward.getResult().getIncompatibilities());
            }
        }
        return problems;
    }
}

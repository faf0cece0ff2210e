package io.lethe.store.datamap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.store.blob.BlobKeys;
import io.lethe.store.erase.Erasers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The map's own rules, its agreement with the erasers and blob keys, and the generated docs/data-map.md. */
class DataMapTest {

    private static final Path DOC = Path.of("..", "docs", "data-map.md");

    @Test
    void shouldNameOnlyOwnersThatHaveAnEraserAndEveryBuiltInEraserOwnsSomething() {
        DataMap map = DataMap.builtIn();

        assertThat(map.unknownOwners(Erasers.builtIn().keySet())).isEmpty();
        assertThat(map.piiByOwner().keySet()).containsExactlyInAnyOrderElementsOf(Erasers.builtIn().keySet());
        assertThat(map.unknownOwners(java.util.Set.of("conversations")))
                .contains("customers.name is owned by customer-details, which no eraser handles");
    }

    @Test
    void shouldDeriveTheSameBlobKeysAsTheErasers() {
        DataMap map = DataMap.builtIn();

        assertThat(map.blobs()).extracting(DataMap.Blob::kind).containsExactly("attachment", "recording");
        assertThat(map.blobs().get(0).key("t1", "a1")).isEqualTo(BlobKeys.attachment("t1", "a1"));
        assertThat(map.blobs().get(1).key("t1", "r1")).isEqualTo(BlobKeys.recording("t1", "r1"));
    }

    @Test
    void shouldReadBackWhatItWrites() throws IOException {
        DataMap map = DataMap.builtIn();

        assertThat(DataMap.read(new ByteArrayInputStream(map.toJson().getBytes(StandardCharsets.UTF_8)))).isEqualTo(map);
    }

    @Test
    void shouldRefuseAMapThatContradictsItself() {
        assertThatThrownBy(() -> read("""
                {"store":"s","description":"d","subjects":"p","tables":[{"name":"t","description":"d","subject":["cid"],
                 "erasure":"scrub","columns":[{"name":"tenant_id","class":"reporting-id"},{"name":"cid","class":"reporting-id"},
                 {"name":"note","class":"pii","category":"notes"}]}],"blobs":[]}"""))
                .hasMessage("table t column note: a pii column needs a category and an owner (the data type that erases it)");
        assertThatThrownBy(() -> read("""
                {"store":"s","description":"d","subjects":"p","tables":[{"name":"t","description":"d","subject":["cid"],
                 "erasure":"keep","columns":[{"name":"tenant_id","class":"reporting-id"},{"name":"cid","class":"reporting-id"},
                 {"name":"note","class":"pii","category":"notes","owner":"notes"}]}],"blobs":[]}"""))
                .hasMessage("table t: a kept table cannot hold pii columns");
        assertThatThrownBy(() -> read("""
                {"store":"s","description":"d","subjects":"p","tables":[{"name":"t","description":"d","subject":["cid"],
                 "erasure":"scrub","columns":[{"name":"tenant_id","class":"reporting-id"},{"name":"cid","class":"secret"}]}],"blobs":[]}"""))
                .hasMessage("table t column cid: class must be one of pii, reporting-id, metadata, not secret");
        assertThatThrownBy(() -> read("""
                {"store":"s","description":"d","subjects":"p","tables":[{"name":"t","description":"d","subject":["customer"],
                 "erasure":"scrub","columns":[{"name":"tenant_id","class":"reporting-id"},
                 {"name":"note","class":"pii","category":"notes","owner":"notes"}]}],"blobs":[]}"""))
                .hasMessage("table t: customer is used as a key but not listed among the columns");
        assertThatThrownBy(() -> read("""
                {"store":"s","description":"d","subjects":"p","tables":[],"blobs":[{"kind":"k","table":"files","key":"{id}",
                 "category":"c","owner":"o"}]}"""))
                .hasMessage("blob k: table files is not in the map");
    }

    /** Regenerate with {@code ./lethe datamap --format markdown > docs/data-map.md}, or run this test with -Dlethe.datamap.write=true. */
    @Test
    void shouldKeepDocsDataMapEqualToTheMap() throws IOException {
        String generated = DataMapMarkdown.render(DataMap.builtIn(), DataMap.BUILT_IN_SOURCE);
        if (Boolean.getBoolean("lethe.datamap.write")) {
            Files.writeString(DOC, generated);
        }

        assertThat(Files.readString(DOC)).as("docs/data-map.md is generated: run ./lethe datamap --format markdown > docs/data-map.md")
                .isEqualTo(generated);
    }

    private static DataMap read(String json) throws IOException {
        return DataMap.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }
}

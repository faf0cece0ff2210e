package io.lethe.store.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.localstack.TestStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileBlobStoreTest {

    private final Path root = TestStack.newDirectory("blobs");
    private final FileBlobStore blobs = new FileBlobStore(root);

    @Test
    void shouldStoreReplaceAndDeleteContent() {
        // Given
        blobs.put("t1/attachments/a-1", new byte[] {1, 2});

        // When
        blobs.put("t1/attachments/a-1", new byte[] {3});

        // Then
        assertThat(blobs.get("t1/attachments/a-1")).containsExactly(3);
        assertThat(blobs.exists("t1/attachments/a-1")).isTrue();
        assertThat(blobs.delete("t1/attachments/a-1")).isTrue();
        assertThat(blobs.delete("t1/attachments/a-1")).isFalse();
        assertThat(blobs.exists("t1/attachments/a-1")).isFalse();
        assertThatThrownBy(() -> blobs.get("t1/attachments/a-1")).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void shouldLeaveNoTempFilesBehind() throws IOException {
        // When
        for (int i = 0; i < 5; i++) {
            blobs.put("t1/recordings/r-" + i, new byte[100]);
        }

        // Then
        try (Stream<Path> files = Files.list(root.resolve("t1/recordings"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("r-0", "r-1", "r-2", "r-3", "r-4");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "t1/../../escape", "/etc/passwd", "t1//a", "t1/a/", "t1/a b", "t1/.hidden",
            "t1/ä", "", "t1\\a"})
    void shouldRejectKeysOutsideTheAllowedShape(String key) {
        assertThatThrownBy(() -> blobs.put(key, new byte[1])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> blobs.exists(key)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> blobs.delete(key)).isInstanceOf(IllegalArgumentException.class);
    }
}

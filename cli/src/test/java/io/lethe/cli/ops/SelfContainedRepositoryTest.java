package io.lethe.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository explains itself: no file points at a document outside it (the design notes
 * Lethe started from now live in docs/architecture.md). One file is exempt: the released Flyway
 * migration V1, whose checksum every existing customer store validates on start; editing even
 * its comments would make those stores refuse to migrate.
 */
class SelfContainedRepositoryTest {

    /** Spelled in pieces so that this file does not match itself (nor a grep for them over the repository). */
    private static final List<String> OUTSIDE = List.of("DESIGN" + ".md", ".." + "/shared");
    private static final Set<String> SKIPPED_DIRECTORIES = Set.of("target", ".git", ".lethe", "node_modules", ".mvn");
    private static final Set<String> RELEASED_MIGRATIONS = Set.of("customer-store/src/main/resources/db/migration/V1__customer_store.sql");

    @Test
    void shouldReferToNoDocumentOutsideTheRepository() throws IOException {
        Path root = RepoFiles.root();
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile)
                    .filter(f -> {
                        for (Path part : root.relativize(f)) {
                            if (SKIPPED_DIRECTORIES.contains(part.toString())) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .filter(f -> !RELEASED_MIGRATIONS.contains(root.relativize(f).toString().replace('\\', '/')))
                    .forEach(f -> {
                        String text;
                        try {
                            text = Files.readString(f);
                        } catch (MalformedInputException binary) {
                            return;
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                        String[] lines = text.split("\n", -1);
                        for (int i = 0; i < lines.length; i++) {
                            if (OUTSIDE.stream().anyMatch(lines[i]::contains)) {
                                found.add(root.relativize(f) + ":" + (i + 1) + ": " + lines[i].strip());
                            }
                        }
                    });
        }
        assertThat(found).as("references to documents outside the repository").isEmpty();
    }
}

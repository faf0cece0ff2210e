package io.lethe.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.DeletionApi;
import io.lethe.api.auth.TokenVerifier;
import io.lethe.api.console.Console;
import io.lethe.api.console.OidcClient;
import io.lethe.api.policy.ScannerPreview;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.Setting;
import io.lethe.runtime.config.SettingsTable;
import io.lethe.scanner.RetentionScanner;
import io.lethe.scanner.ScannerSettings;
import io.lethe.worker.DeletionWorker;
import io.lethe.worker.coordinator.RetryPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every configuration key is declared once, with its default and meaning, in its service's
 * {@code SETTINGS}; the README's configuration table is rendered from those declarations. Run with
 * {@code -Dlethe.readme.write=true} to rewrite the table after changing a setting.
 */
class ConfigurationTableTest {

    private static final String BEGIN = "<!-- configuration:begin (generated from the services' SETTINGS; ConfigurationTableTest) -->\n";
    private static final String END = "<!-- configuration:end -->";

    static Map<String, List<Setting>> byReader() {
        Map<String, List<Setting>> m = new LinkedHashMap<>();
        m.put("shared", Keys.SETTINGS);
        m.put("api", DeletionApi.SETTINGS);
        m.put("worker", DeletionWorker.SETTINGS);
        m.put("scanner", RetentionScanner.SETTINGS);
        return m;
    }

    @Test
    void shouldRenderTheReadmeConfigurationTableFromTheDeclaredSettings() throws IOException {
        String readme = RepoFiles.text("README.md");
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertThat(begin).as("README has the generated configuration table's markers").isNotNegative();
        String table = SettingsTable.markdown(byReader());
        if (Boolean.getBoolean("lethe.readme.write")) {
            readme = readme.substring(0, begin + BEGIN.length()) + table + readme.substring(end);
            Files.writeString(RepoFiles.file("README.md"), readme);
        }

        assertThat(readme.substring(begin + BEGIN.length(), readme.indexOf(END)))
                .as("README's configuration table is generated: run this test with -Dlethe.readme.write=true")
                .isEqualTo(table);
    }

    @Test
    void shouldDeclareEveryKeyOnceWithAMeaning() {
        Set<String> declared = new HashSet<>();
        Set<String> twice = new TreeSet<>();
        byReader().values().forEach(list -> list.forEach(s -> {
            if (!declared.add(s.key())) {
                twice.add(s.key());
            }
            assertThat(s.doc()).as(s.key()).isNotBlank();
        }));
        Set<String> keys = new TreeSet<>();
        for (Class<?> c : List.of(Keys.class, DeletionApi.class, TokenVerifier.class, Console.class, OidcClient.class,
                ScannerPreview.class, DeletionWorker.class, RetryPolicy.class, RetentionScanner.class, ScannerSettings.class)) {
            keys.addAll(ConfigKeyConstants.of(c));
        }
        keys.removeAll(declared);

        assertThat(twice).as("keys declared twice").isEmpty();
        assertThat(keys).as("configuration keys read by the services but not declared in any SETTINGS").isEmpty();
    }
}

package io.lethe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.runtime.config.ConfigException;
import io.lethe.runtime.config.LetheConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void shouldRefuseDevSigningKeysInTheDeployedApi() {
        assertThatThrownBy(() -> Main.checked(LetheConfig.of(Map.of("auth.dev.key.dir", "/tmp/keys"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.dev.key.dir").hasMessageContaining("LETHE_AUTH_DEV_MODE=true");
        assertThatThrownBy(() -> Main.checked(LetheConfig.of(Map.of("auth.dev.key.dir", "/tmp/keys", "auth.dev.mode", "false"))))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void shouldAcceptDevKeysOnlyWhenDevModeIsSaidOutright() {
        LetheConfig dev = LetheConfig.of(Map.of("auth.dev.key.dir", "/tmp/keys", "auth.dev.mode", "true"));
        LetheConfig production = LetheConfig.of(Map.of("auth.jwks.url", "https://idp.example/jwks.json"));

        assertThat(Main.checked(dev)).isSameAs(dev);
        assertThat(Main.checked(production)).isSameAs(production);
    }
}

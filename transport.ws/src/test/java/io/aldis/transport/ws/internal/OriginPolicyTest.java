package io.aldis.transport.ws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    @Test
    void emptyListAllowsNoOriginAndSameHostOnly() {
        OriginPolicy policy = new OriginPolicy(List.of());
        assertThat(policy.allows(null, "127.0.0.1:7441", false)).isTrue();
        assertThat(policy.allows("http://127.0.0.1:7441", "127.0.0.1:7441", false)).isTrue();
        assertThat(policy.allows("http://LOCALHOST:7441", "localhost:7441", false)).isTrue();
        assertThat(policy.allows("https://node.example", "node.example", true)).isTrue();
        assertThat(policy.allows("https://node.example:443", "node.example", true)).isTrue();
        assertThat(policy.allows("http://127.0.0.1:8080", "127.0.0.1:7441", false)).isFalse();
        assertThat(policy.allows("http://evil.example:7441", "127.0.0.1:7441", false)).isFalse();
        assertThat(policy.allows("http://node.example", "node.example", true)).isFalse();
        assertThat(policy.allows("null", "127.0.0.1:7441", false)).isFalse();
        assertThat(policy.allows("http://127.0.0.1:7441", null, false)).isFalse();
        assertThat(policy.allows("file:///tmp/page.html", "127.0.0.1:7441", false)).isFalse();
    }

    @Test
    void listAllowsExactlyThoseOrigins() {
        OriginPolicy policy = new OriginPolicy(List.of("https://app.example", "http://localhost:3000/"));
        assertThat(policy.allows("https://app.example", "node.example", true)).isTrue();
        assertThat(policy.allows("HTTPS://APP.example", "node.example", true)).isTrue();
        assertThat(policy.allows("http://localhost:3000", "127.0.0.1:7441", false)).isTrue();
        assertThat(policy.allows("http://app.example", "node.example", true)).isFalse();
        assertThat(policy.allows("https://app.example:8443", "node.example", true)).isFalse();
        assertThat(policy.allows("https://node.example", "node.example", true)).as("same host is not implied")
                .isFalse();
        assertThat(policy.allows(null, "node.example", true)).isTrue();
    }

    @Test
    void starAllowsAnyOrigin() {
        OriginPolicy policy = new OriginPolicy(List.of("*"));
        assertThat(policy.allows("https://anything.example", "127.0.0.1:7441", false)).isTrue();
        assertThat(policy.allows("null", "127.0.0.1:7441", false)).isTrue();
    }

    @Test
    void settingsSplitAConfiguredStringIntoOrigins() {
        WsSettings settings = WsSettings.plain("t", 0)
                .withAllowedOrigins(List.of("https://a.example, https://b.example", " ", "http://c.example"));
        assertThat(settings.allowedOrigins()).containsExactly("https://a.example", "https://b.example",
                "http://c.example");
        assertThat(WsSettings.plain("t", 0).withPath("/aldis/").path()).isEqualTo("/aldis");
    }
}

package io.aldis.spi.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which keys of a configuration count as the operator's, and so may be reported as unknown. */
class ConfigValuesTest {
    @Test
    void keysTheFrameworkAddsAreNotReportedAsUnknown() {
        Map<String, Object> properties = Map.of("port", "7440", "prot", "7441",
                "service.pid", "io.aldis.x", "component.name", "x", "component.id", 3L,
                "felix.fileinstall.filename", "file:/opt/aldis/etc/io.aldis.x.cfg",
                "osgi.ds.satisfying.condition.target", "(osgi.condition.id=true)", "objectClass", new String[0]);
        assertThat(new ConfigValues(properties, "io.aldis.x").unknownKeys(Set.of("port"))).containsExactly("prot");
    }
}

package io.aldis.feature.rpc.internal.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.rpc.api.MethodInfo;
import io.aldis.feature.rpc.api.RpcConstants;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceExportsTest {
    public interface Greeter {
        String greet(String name, int times);

        String greet(String name);
    }

    public interface Admin {
        void reset();
    }

    public static final class Impl implements Greeter, Admin {
        @Override
        public String greet(String name, int times) {
            return name;
        }

        @Override
        public String greet(String name) {
            return name;
        }

        @Override
        public void reset() {
        }
    }

    @Test
    void anInvalidNameIsNotExported() {
        assertThat(ServiceExports.export(new Impl(), Map.of(RpcConstants.SERVICE, "two words"), "b")).isNull();
        assertThat(ServiceExports.export(new Impl(), Map.of(), "b")).isNull();
    }

    @Test
    void theInterfacesItIsRegisteredUnderAreExportedAndOfOverloadsTheShortest() {
        ExportedService svc = ServiceExports.export(new Impl(), Map.of(RpcConstants.SERVICE, "greeter",
                "objectClass", new String[] {Greeter.class.getName()}), "b");
        assertThat(svc.name()).isEqualTo("greeter");
        assertThat(svc.methodNames()).containsExactly("greet");
        assertThat(svc.info().methods()).containsExactly(new MethodInfo("greet", List.of("name: String"), "String"));
        assertThat(svc.info().provider()).isEqualTo("osgi:b");

        ExportedService all = ServiceExports.export(new Impl(), Map.of(RpcConstants.SERVICE, "greeter"), "b");
        assertThat(all.methodNames()).containsExactlyInAnyOrder("greet", "reset");
    }

    @Test
    void rankingConcurrencyAndIdComeFromTheProperties() {
        ExportedService svc = ServiceExports.export(new Impl(), Map.of(RpcConstants.SERVICE, "g", "service.ranking", 5,
                "service.id", 12L, RpcConstants.MAX_CONCURRENCY, "3"), "b");
        assertThat(svc.ranking()).isEqualTo(5);
        assertThat(svc.serviceId()).isEqualTo(12);
        assertThat(svc.concurrencyLimit(256)).isEqualTo(3);
        ExportedService plain = ServiceExports.export(new Impl(), Map.of(RpcConstants.SERVICE, "g"), "b");
        assertThat(plain.concurrencyLimit(256)).isEqualTo(256);
        assertThat(plain.ranking()).isZero();
    }
}

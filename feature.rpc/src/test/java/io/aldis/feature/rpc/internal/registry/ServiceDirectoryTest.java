package io.aldis.feature.rpc.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.rpc.api.RpcConstants;
import io.aldis.feature.rpc.api.ServiceInfo;
import io.aldis.feature.rpc.internal.RecordingSession;
import io.aldis.feature.rpc.internal.calls.Calls;
import io.aldis.feature.rpc.internal.export.ExportedService;
import io.aldis.feature.rpc.internal.export.ServiceExports;
import io.aldis.feature.rpc.internal.providers.ClientProviders;
import io.aldis.protocol.api.ServiceProvide;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServiceDirectoryTest {
    public interface Clock {
        long now();
    }

    private final Calls calls = new Calls(() -> 256, () -> 0);
    private ServiceDirectory directory;
    private final ClientProviders clients = new ClientProviders(calls, () -> null, name -> directory.exportedInside(name),
            () -> true);

    {
        directory = new ServiceDirectory(clients);
    }

    @AfterEach
    void close() {
        calls.close();
    }

    private static ExportedService clock(String name, int ranking, long id) {
        Clock impl = () -> 1L;
        return ServiceExports.export(impl, Map.of(RpcConstants.SERVICE, name, "service.ranking", ranking, "service.id", id,
                "objectClass", new String[] {Clock.class.getName()}), "bundle" + id);
    }

    @Test
    void ofSeveralServicesUnderOneNameTheHighestRankingThenTheOldestServes() {
        ExportedService old = clock("clock", 0, 1);
        ExportedService young = clock("clock", 0, 2);
        ExportedService high = clock("clock", 5, 3);
        directory.add(young);
        directory.add(old);
        assertThat(((Target.Exported) directory.resolve("clock.now")).service()).isSameAs(old);
        directory.add(high);
        assertThat(((Target.Exported) directory.resolve("clock.now")).service()).isSameAs(high);
        directory.remove(high);
        assertThat(((Target.Exported) directory.resolve("clock.now")).service()).isSameAs(old);
        directory.remove(old);
        directory.remove(young);
        assertThat(directory.exportedInside("clock")).isFalse();
        assertThat(directory.resolve("clock.now")).isEqualTo(new Target.NotFound("no service named clock"));
    }

    @Test
    void namesThatResolveToNothingSayWhy() {
        directory.add(clock("clock", 0, 1));
        assertThat(directory.resolve("clock")).isEqualTo(
                new Target.NotFound("a method is called as service.method, not 'clock'"));
        assertThat(directory.resolve("clock.")).isInstanceOf(Target.NotFound.class);
        assertThat(directory.resolve("clock.later")).isEqualTo(new Target.NotFound("service clock has no method later"));
        assertThat(directory.resolve("clock.now")).isInstanceOf(Target.Exported.class);
    }

    @Test
    void servicesOfClientsResolveToTheProvidersThatServeTheMethod() {
        RecordingSession pat = new RecordingSession("pat");
        clients.provide(pat, new ServiceProvide(1, "echo", "{\"methods\":[\"say\"]}"));
        RecordingSession sam = new RecordingSession("sam");
        clients.provide(sam, new ServiceProvide(1, "echo", ""));
        assertThat(((Target.Provided) directory.resolve("echo.say")).providers()).hasSize(2);
        assertThat(((Target.Provided) directory.resolve("echo.shout")).providers()).as("sam announced no list")
                .singleElement().satisfies(p -> assertThat(p.info().provider()).isEqualTo("client:" + sam.id()));

        directory.add(clock("clock", 0, 1));
        assertThat(directory.services()).extracting(ServiceInfo::name).containsExactly("clock", "echo", "echo");
    }
}

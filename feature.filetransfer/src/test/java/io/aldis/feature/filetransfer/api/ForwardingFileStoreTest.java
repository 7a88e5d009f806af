package io.aldis.feature.filetransfer.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardingFileStoreTest {
    @Test
    void everyMethodOfTheInterfaceReachesTheDelegateWithItsArguments() throws Exception {
        List<String> calls = new ArrayList<>();
        FileStore delegate = (FileStore) Proxy.newProxyInstance(FileStore.class.getClassLoader(),
                new Class<?>[] {FileStore.class}, (proxy, method, args) -> {
                    calls.add(method.getName() + Arrays.toString(args == null ? new Object[0] : args));
                    return primitiveZero(method.getReturnType());
                });
        FileStore forwarding = new ForwardingFileStore(delegate) {
        };
        List<String> expected = new ArrayList<>();
        for (Method method : FileStore.class.getMethods()) {
            if (Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            Object[] args = new Object[method.getParameterCount()];
            for (int i = 0; i < args.length; i++) {
                Class<?> type = method.getParameterTypes()[i];
                args[i] = type == String.class ? method.getName() + "-" + i : type == byte[].class ? new byte[] {7}
                        : primitiveZero(type);
            }
            method.invoke(forwarding, args);
            expected.add(method.getName() + Arrays.toString(args));
        }
        assertThat(expected).hasSize(14);
        assertThat(calls).containsExactlyElementsOf(expected);
    }

    private static Object primitiveZero(Class<?> type) {
        return type == boolean.class ? Boolean.FALSE : type == long.class ? Long.valueOf(0) : null;
    }
}

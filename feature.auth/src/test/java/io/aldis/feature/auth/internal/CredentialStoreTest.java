package io.aldis.feature.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreTest {
    @TempDir
    Path dir;

    private static final String PASSWORD = "correct horse battery staple";

    @Test
    void roundTripKeepsKeysButNeverThePassword() throws IOException {
        Path file = dir.resolve("users.properties");
        CredentialStore store = new CredentialStore(file, 4096, false);
        StoredUser alice = store.add("alice", PASSWORD.toCharArray(), Set.of("ops", "admin"));
        store.add("bob", "other-secret".toCharArray(), Set.of());

        CredentialStore reopened = new CredentialStore(file, 4096, false);
        assertThat(reopened.find("alice")).contains(alice);
        assertThat(reopened.find("bob").orElseThrow().roles()).isEmpty();
        assertThat(reopened.list()).extracting(StoredUser::name).containsExactly("alice", "bob");

        String content = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(content).contains("alice=admin,ops;4096;").doesNotContain(PASSWORD).doesNotContain("other-secret");
        assertThat(Files.list(dir)).noneMatch(p -> p.getFileName().toString().endsWith(".tmp"));
    }

    @Test
    void openingDeletesWhatWritesCutShortByAKilledProcessLeftAndNothingElse() throws IOException {
        Path file = dir.resolve("users.properties");
        new CredentialStore(file, 4096, false).add("alice", PASSWORD.toCharArray(), Set.of("user"));
        // What a write killed between its temporary file and the move leaves (see CredentialStore.write).
        Path users = Files.writeString(dir.resolve(".users.properties1234567.tmp"), "alice=half");
        Path secret = Files.writeString(dir.resolve("." + CredentialStore.SECRET_FILE + "89.tmp"), "half");
        Path admin = Files.writeString(dir.resolve("." + CredentialStore.ADMIN_PASSWORD_FILE + "12.tmp"), "pw");
        Path someoneElses = Files.writeString(dir.resolve(".other.cfg42.tmp"), "kept");

        CredentialStore reopened = new CredentialStore(file, 4096, false);

        assertThat(reopened.list()).extracting(StoredUser::name).containsExactly("alice");
        assertThat(users).doesNotExist();
        assertThat(secret).doesNotExist();
        assertThat(admin).doesNotExist();
        assertThat(someoneElses).exists();
    }

    @Test
    void filesAreOwnerOnly() throws IOException {
        Path file = dir.resolve("users.properties");
        CredentialStore store = new CredentialStore(file, 4096, false);
        store.add("alice", PASSWORD.toCharArray(), Set.of());
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dir.resolve(CredentialStore.SECRET_FILE)))).isEqualTo("rw-------");
        }
    }

    @Test
    void changesAreVisibleAtOnceAndPersisted() {
        Path file = dir.resolve("users.properties");
        CredentialStore store = new CredentialStore(file, 4096, false);
        StoredUser before = store.add("alice", PASSWORD.toCharArray(), Set.of("a"));
        StoredUser after = store.setPassword("alice", "new".toCharArray());
        assertThat(after.credentials()).isNotEqualTo(before.credentials());
        assertThat(after.roles()).containsExactly("a");
        assertThat(store.find("alice")).contains(after);
        assertThat(store.setRoles("alice", Set.of("b")).roles()).containsExactly("b");
        assertThat(store.remove("alice")).isTrue();
        assertThat(store.remove("alice")).isFalse();
        assertThat(store.find("alice")).isEmpty();
        assertThat(new CredentialStore(file, 4096, false).list()).isEmpty();
    }

    @Test
    void refusesDuplicatesAndBadInput() {
        CredentialStore store = new CredentialStore(dir.resolve("users.properties"), 4096, false);
        store.add("alice", PASSWORD.toCharArray(), Set.of());
        assertThatThrownBy(() -> store.add("alice", "x".toCharArray(), Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already exists");
        assertThatThrownBy(() -> store.add("a b", "x".toCharArray(), Set.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.add("a=b", "x".toCharArray(), Set.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.add("carol", new char[0], Set.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.add("carol", "x".toCharArray(), Set.of("a;b"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.setPassword("nobody", "x".toCharArray())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CredentialStore(dir.resolve("u2"), 1000, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void iterationsApplyToNewPasswords() {
        CredentialStore store = new CredentialStore(dir.resolve("users.properties"), 5000, false);
        assertThat(store.add("alice", PASSWORD.toCharArray(), Set.of()).credentials().iterations()).isEqualTo(5000);
    }

    @Test
    void secretIsStableAcrossRestarts() {
        Path file = dir.resolve("users.properties");
        byte[] first = new CredentialStore(file, 4096, false).secret();
        assertThat(new CredentialStore(file, 4096, false).secret()).isEqualTo(first).hasSizeGreaterThanOrEqualTo(32);
    }

    @Test
    void firstStartCreatesAdminWithPasswordFile() throws IOException {
        Path file = dir.resolve("etc").resolve("aldis-users.properties");
        CredentialStore store = new CredentialStore(file, 4096, true);
        assertThat(store.find("admin").orElseThrow().roles()).containsExactly("admin");
        Path passwordFile = file.resolveSibling(CredentialStore.ADMIN_PASSWORD_FILE);
        String password = Files.readString(passwordFile).trim();
        assertThat(password).hasSize(20);
        assertThat(Files.readString(file)).doesNotContain(password);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
        }
        // A second start finds the admin and leaves the password alone.
        new CredentialStore(file, 4096, true);
        assertThat(Files.readString(passwordFile).trim()).isEqualTo(password);
    }

    @Test
    void noAdminWhenDisabled() {
        CredentialStore store = new CredentialStore(dir.resolve("users.properties"), 4096, false);
        assertThat(store.list()).isEmpty();
        assertThat(dir.resolve(CredentialStore.ADMIN_PASSWORD_FILE)).doesNotExist();
    }

    @Test
    void karafEtcIsResolvedFromTheSystemProperty() {
        String old = System.getProperty("karaf.etc");
        try {
            System.setProperty("karaf.etc", "/opt/node/etc");
            assertThat(CredentialStore.resolve("${karaf.etc}/aldis-users.properties"))
                    .isEqualTo(Path.of("/opt/node/etc/aldis-users.properties"));
            System.clearProperty("karaf.etc");
            assertThat(CredentialStore.resolve("${karaf.etc}/aldis-users.properties"))
                    .isEqualTo(Path.of("etc/aldis-users.properties"));
        } finally {
            if (old != null) {
                System.setProperty("karaf.etc", old);
            }
        }
    }

    @Test
    void theNodeIsToldWhenAUsersCredentialsOrRolesChangeOrItIsRemoved() {
        CredentialStore store = new CredentialStore(dir.resolve("users.properties"), 4096, false);
        java.util.List<String> told = new java.util.ArrayList<>();
        store.addRevocation(user -> {
            told.add(user);
            return 1;
        });
        store.add("alice", PASSWORD.toCharArray(), Set.of("user"));
        store.add("bob", PASSWORD.toCharArray(), Set.of("user"));
        assertThat(told).as("adding a user revokes nothing").isEmpty();
        store.setPassword("alice", "a new one entirely".toCharArray());
        store.setRoles("bob", Set.of("user")); // the same roles: nothing changed
        store.setRoles("bob", Set.of("user", "ops"));
        store.remove("alice");
        store.remove("nobody");
        assertThatThrownBy(() -> store.setPassword("nobody", PASSWORD.toCharArray()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(told).containsExactly("alice", "bob", "alice");
    }
}

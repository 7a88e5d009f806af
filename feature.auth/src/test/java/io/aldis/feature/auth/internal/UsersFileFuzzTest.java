package io.aldis.feature.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aldis.protocol.api.scram.ScramCredentials;
import io.aldis.protocol.api.scram.ScramSha256;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Fuzzes the users file that the credential store reads back when it opens ({@code
 * aldis-users.properties}, {@code user=roles;iterations;salt;storedKey;serverKey}): a file damaged
 * on disk, or written by someone else than the store. The contract: the store opens with every user
 * the file names, none left out, each with a name and roles the store's own rules allow and SCRAM
 * keys (a salt, at least 4 096 iterations, 32-byte keys), and what it writes at its next change
 * reads back as the same users; or it refuses the file with one {@link
 * CredentialStore.DamagedUsersFile} whose message names the file and says what is wrong in one
 * printable line in the store's words. Nothing else escapes: not Properties' complaint about an
 * escape, nor base64's or Integer's about a field.
 */
class UsersFileFuzzTest {
    private static final Path FILE;
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{Nd}._@+-]{1,128}");
    private static final Pattern ROLE = Pattern.compile("[\\p{L}\\p{Nd}._:-]{1,128}");

    static {
        try {
            FILE = Files.createTempDirectory("users-file-fuzz").resolve("aldis-users.properties");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void everyUserOrOneLineRefusal(byte[] file) throws IOException {
        Files.write(FILE, file);
        CredentialStore store;
        try {
            store = new CredentialStore(FILE, ScramSha256.MIN_ITERATIONS, false);
        } catch (CredentialStore.DamagedUsersFile e) {
            assertThat(e.getMessage()).startsWith(FILE + ": ").doesNotContain("Exception", "For input string",
                    "Illegal base64", "Malformed", "Input byte array", "Last unit")
                    .doesNotContainPattern("[\\p{Cntrl}\\p{Zl}\\p{Zp}]");
            return;
        }
        Properties entries = new Properties();
        entries.load(new StringReader(new String(file, StandardCharsets.UTF_8)));
        List<StoredUser> users = store.list();
        assertThat(users).extracting(StoredUser::name).as("every user of the file")
                .containsExactlyInAnyOrderElementsOf(entries.stringPropertyNames());
        for (StoredUser user : users) {
            assertThat(user.name()).matches(NAME);
            assertThat(user.roles()).allMatch(role -> ROLE.matcher(role).matches());
            ScramCredentials c = user.credentials();
            assertThat(c.salt()).isNotEmpty();
            assertThat(c.iterations()).isGreaterThanOrEqualTo(ScramSha256.MIN_ITERATIONS);
            assertThat(c.storedKey()).hasSize(ScramSha256.KEY_LENGTH);
            assertThat(c.serverKey()).hasSize(ScramSha256.KEY_LENGTH);
        }
        if (!users.isEmpty()) {
            // A change writes the whole file again: the users must survive it as they were.
            store.setRoles(users.get(0).name(), users.get(0).roles());
            List<StoredUser> again = new CredentialStore(FILE, ScramSha256.MIN_ITERATIONS, false).list();
            assertThat(again).hasSameSizeAs(users);
            for (int i = 0; i < users.size(); i++) {
                StoredUser before = users.get(i);
                StoredUser after = again.get(i);
                assertThat(after.name()).isEqualTo(before.name());
                assertThat(after.roles()).isEqualTo(before.roles());
                assertThat(after.credentials().salt()).isEqualTo(before.credentials().salt());
                assertThat(after.credentials().iterations()).isEqualTo(before.credentials().iterations());
                assertThat(after.credentials().storedKey()).isEqualTo(before.credentials().storedKey());
                assertThat(after.credentials().serverKey()).isEqualTo(before.credentials().serverKey());
            }
        }
    }
}

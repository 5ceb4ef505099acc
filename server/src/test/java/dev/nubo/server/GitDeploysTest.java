package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.access.MasterKey;
import dev.nubo.access.Secrets;
import dev.nubo.store.Store;
import dev.nubo.store.StoreLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitDeploysTest {

    @Test
    void thePushTokenIsStoredSealedAndAnOlderClearOneStillCounts(@TempDir Path dir) throws Exception {
        try (Store store = Store.open(StoreLocation.sqlite(dir.resolve("nubo.db")))) {
            Home home = Home.prepare(dir.resolve("home"));
            Secrets secrets = new Secrets(store.credentials(), MasterKey.inFile(dir.resolve("master.key")), InstantSource.system());
            GitDeploys git = new GitDeploys(null, store, home, new Urls("http://127.0.0.1:1", "http://127.0.0.1:2", "localhost", 2,
                    Optional.empty()), InstantSource.system(), secrets);

            String token = git.remember("hello", "https://git.example/hello.git", Optional.of("main"), "").token();
            String stored = Files.readString(home.root().resolve("git/hello.json"));
            assertThat(stored).contains("\"token\":\"sealed:").doesNotContain(token);
            assertThat(git.origin("hello").orElseThrow().token()).isEqualTo(token);
            assertThat(git.pushUrl(git.origin("hello").orElseThrow())).endsWith("/v1/git/hello/push?token=" + token);
            assertThat(git.remember("hello", "https://git.example/hello.git", Optional.of("main"), "").token())
                    .as("a redeploy keeps the webhook's URL").isEqualTo(token);

            Files.writeString(home.root().resolve("git/old.json"), "{\"repository\":\"r\",\"path\":\"\",\"token\":\"0123abcd\"}");
            assertThat(git.origin("old").orElseThrow().token()).isEqualTo("0123abcd");
            assertThat(git.remember("old", "r", Optional.empty(), "").token()).isEqualTo("0123abcd");
            assertThat(Files.readString(home.root().resolve("git/old.json"))).doesNotContain("0123abcd");

            Files.writeString(home.root().resolve("git/moved.json"), stored);
            assertThat(git.origin("moved")).as("a sealed token copied into another service's file does not open").isEmpty();
        }
    }
}

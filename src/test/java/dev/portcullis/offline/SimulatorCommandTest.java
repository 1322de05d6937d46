package dev.portcullis.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code portcullis simulator} refuses what it cannot serve, naming the option, before it binds.
 */
class SimulatorCommandTest {
  private static final String WORLD = "src/test/resources/worlds/demo.yaml";

  record Run(int exit, String err) {}

  static Run run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new Main());
    cmd.setErr(new PrintWriter(err));
    cmd.setOut(new PrintWriter(new StringWriter()));
    String[] all = new String[args.length + 1];
    all[0] = "simulator";
    System.arraycopy(args, 0, all, 1, args.length);
    return new Run(cmd.execute(all), err.toString());
  }

  @Test
  void refusesANonLoopbackAddressUnlessAllowed() {
    assertThat(run("--world", WORLD, "--listen", "0.0.0.0:0"))
        .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
        .satisfies(
            r ->
                assertThat(r.err())
                    .contains("--listen")
                    .contains("0.0.0.0 is not a loopback address"));
  }

  @Test
  void refusesBadOptionsNamingThem() {
    assertThat(run("--world", WORLD, "--listen", "localhost").err()).contains("--listen");
    assertThat(run("--world", WORLD, "--listen", "127.0.0.1:99999").err())
        .contains("--listen")
        .contains("99999");
    assertThat(run("--world", WORLD, "--throttling", "fast").err()).contains("--throttling");
    assertThat(run("--world", WORLD, "--throttle-rate", "2").err()).contains("throttle rate");
    assertThat(run("--world", "no/such/world.yaml").exit()).isEqualTo(2);
    assertThat(run("--listen", "127.0.0.1:0").exit()).isEqualTo(2);
  }
}

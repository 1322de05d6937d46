package dev.portcullis.bench;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.it.ImageContainer;
import dev.portcullis.it.TestCluster;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's container image under a memory limit, with the JVM flags to compare: from {@code
 * podman run} to {@code /healthz} answering, then to {@code --groups} SecurityGroups Ready, and the
 * JVM's resident set, heap in use and CPU time then. Each variant runs in a container of its own
 * ({@link ImageContainer}) against the test cluster's local API server, on the simulator, in a
 * namespace of its own.
 *
 * <pre>
 * mvn -B -q verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=none \
 *     -Dfailsafe.failIfNoSpecifiedTests=false        # builds target/portcullis-image.tar
 * mvn -B -q -Pbench test-compile exec:exec -Dbench.main=dev.portcullis.bench.ImageFootprint \
 *     -Dbench.args="--groups 200 --memory-mib 256"
 * </pre>
 *
 * <p>{@code --flags "-XX:... -XX:..."} (repeatable; {@code image} for the image's own) runs those
 * variants instead of the built-in list.
 */
public final class ImageFootprint {
  private ImageFootprint() {}

  /** The variants: a name, and the JVM flags (null: the image's own). */
  static Map<String, List<String>> variants() {
    Map<String, List<String>> v = new LinkedHashMap<>();
    v.put("the image's: Serial, C1 only", null);
    v.put(
        "Serial, C1 and C2 (tiered, the JVM's default)",
        List.of("-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"));
    v.put(
        "G1, C1 and C2",
        List.of("-XX:MaxRAMPercentage=75", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError"));
    v.put(
        "Serial, C1 only, no class-data sharing",
        List.of(
            "-XX:MaxRAMPercentage=75",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xshare:off",
            "-XX:+ExitOnOutOfMemoryError"));
    return v;
  }

  public static void main(String[] args) throws Exception {
    int groups = 200;
    long memoryMib = 256;
    Map<String, List<String>> variants = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--groups" -> groups = Integer.parseInt(args[++i]);
        case "--memory-mib" -> memoryMib = Long.parseLong(args[++i]);
        case "--flags" -> {
          String flags = args[++i].trim();
          variants.put(
              flags.equals("image") ? "the image's" : flags,
              flags.equals("image") ? null : List.of(flags.split("\\s+")));
        }
        default ->
            throw new IllegalArgumentException(
                "unknown argument "
                    + args[i]
                    + " (--groups N, --memory-mib M, --flags 'JVM flags' or image, repeatable)");
      }
    }
    if (variants.isEmpty()) {
      variants = variants();
    }
    if (System.getProperty(TestCluster.MODE_PROPERTY) == null) {
      System.setProperty(TestCluster.MODE_PROPERTY, "apiserver");
    }
    TestCluster cluster = TestCluster.shared();
    String image = ImageContainer.load(ImageContainer.TARBALL);
    System.out.printf(
        "image %s, %d SecurityGroups, memory limit %d MiB%n", image, groups, memoryMib);
    System.out.println(
        "| JVM flags | to /healthz (s) | to all Ready (s) | RSS (MiB) | heap used (MiB) | CPU (s) |");
    System.out.println("| --- | --- | --- | --- | --- | --- |");
    try {
      for (Map.Entry<String, List<String>> variant : variants.entrySet()) {
        System.out.println(
            run(cluster, image, variant.getKey(), variant.getValue(), groups, memoryMib));
      }
    } finally {
      ImageContainer.remove(image);
    }
    System.exit(0);
  }

  private static String run(
      TestCluster cluster,
      String image,
      String name,
      List<String> flags,
      int groups,
      long memoryMib)
      throws Exception {
    String ns = cluster.newNamespace("footprint");
    KubernetesClient client = cluster.client();
    long start = System.nanoTime();
    try (ImageContainer c =
        ImageContainer.start(image, cluster, ns, memoryMib << 20, flags, "--resync", "PT5M")) {
      c.awaitHealthy(Duration.ofMinutes(2));
      double healthy = seconds(start);
      long applied = System.nanoTime();
      for (int i = 0; i < groups; i++) {
        String yaml =
            "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\n"
                + "metadata: {name: g"
                + i
                + "}\nspec:\n  region: eu-west-1\n  vpcId: vpc-0a000001\n"
                + "  ingress: [{ports: [443, "
                + (1000 + i)
                + "], from: [{cidr: 10.0."
                + (i % 250)
                + ".0/24}]}]\n";
        SecurityGroup sg = client.getKubernetesSerialization().unmarshal(yaml, SecurityGroup.class);
        client.resources(SecurityGroup.class).inNamespace(ns).resource(sg).serverSideApply();
      }
      int expected = groups;
      await()
          .atMost(Duration.ofMinutes(10))
          .pollInterval(250, MILLISECONDS)
          .alias(groups + " SecurityGroups Ready in " + ns)
          .until(() -> ready(client, ns) == expected);
      double allReady = seconds(applied);
      double heapUsed = c.heapBytes("jvm_memory_used_bytes");
      return String.format(
          "| %s | %.1f | %.1f | %d | %.0f | %.1f |",
          name,
          healthy,
          allReady,
          c.residentBytes() >> 20,
          heapUsed / (1 << 20),
          cpuSeconds(c.pid()));
    }
  }

  private static long ready(KubernetesClient client, String ns) {
    return client.resources(SecurityGroup.class).inNamespace(ns).list().getItems().stream()
        .filter(
            sg -> {
              List<Condition> cs = sg.getStatus() == null ? null : sg.getStatus().getConditions();
              return cs != null
                  && cs.stream()
                      .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
            })
        .count();
  }

  /** User and system CPU time of a process, from /proc (clock ticks of 1/100 s). */
  private static double cpuSeconds(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  private static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }
}

package dev.portcullis;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The layer table of docs/architecture.md, as one rule: each layer may use only the layers its row
 * names. Data flows one way, and the two commands sit side by side on the shared layers below them.
 */
class LayersTest {
  /** What the two commands may use: everything but each other. */
  private static final String[] BELOW_THE_COMMANDS = {
    "engine", "engine.eval", "cloud", "cloud.simulator", "cloud.aws", "sync", "api.v1alpha1", "cli"
  };

  static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.portcullis");

  @Test
  void eachLayerUsesOnlyTheLayersItsRowNames() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("engine")
        .definedBy("dev.portcullis.engine")
        .layer("engine.eval")
        .definedBy("dev.portcullis.engine.eval..")
        .layer("cloud")
        .definedBy("dev.portcullis.cloud")
        .layer("cloud.simulator")
        .definedBy("dev.portcullis.cloud.simulator..")
        .layer("cloud.aws")
        .definedBy("dev.portcullis.cloud.aws..")
        .layer("sync")
        .definedBy("dev.portcullis.sync..")
        .layer("api.v1alpha1")
        .definedBy("dev.portcullis.api.v1alpha1..")
        .layer("operator")
        .definedBy("dev.portcullis.operator..")
        .layer("offline")
        .definedBy("dev.portcullis.offline..")
        .layer("cli")
        .definedBy("dev.portcullis.cli..")
        .layer("Main")
        .definedBy("dev.portcullis")
        .whereLayer("engine")
        .mayNotAccessAnyLayer()
        .whereLayer("engine.eval")
        .mayOnlyAccessLayers("engine")
        .whereLayer("cloud")
        .mayOnlyAccessLayers("engine")
        .whereLayer("cloud.simulator")
        .mayOnlyAccessLayers("cloud", "engine", "engine.eval")
        .whereLayer("cloud.aws")
        .mayOnlyAccessLayers("cloud", "engine", "engine.eval")
        .whereLayer("sync")
        .mayOnlyAccessLayers("cloud", "engine", "engine.eval", "api.v1alpha1")
        .whereLayer("api.v1alpha1")
        .mayOnlyAccessLayers("engine")
        .whereLayer("operator")
        .mayOnlyAccessLayers(BELOW_THE_COMMANDS)
        .whereLayer("offline")
        .mayOnlyAccessLayers(BELOW_THE_COMMANDS)
        .whereLayer("cli")
        .mayNotAccessAnyLayer()
        .whereLayer("Main")
        .mayOnlyAccessLayers("operator", "offline")
        .because("docs/architecture.md's layer table says which layer may use which")
        .check(MAIN);
  }

  @Test
  void sharedLayersUseNoKubernetesClient() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.portcullis.sync..", "dev.portcullis.cloud..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.javaoperatorsdk..", "io.fabric8.kubernetes.client..")
        .check(MAIN);
  }
}

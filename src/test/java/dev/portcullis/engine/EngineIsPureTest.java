package dev.portcullis.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The rule engine must stay pure: no Kubernetes, Fabric8, JOSDK, AWS SDK, metrics or JSON classes,
 * and no I/O. That the engine uses none of the layers above it is {@code LayersTest}'s rule.
 */
class EngineIsPureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.portcullis");

  @Test
  void engineImportsNoKubernetesAwsOrMetricsLibrary() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage("dev.portcullis.engine..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "io.fabric8..",
                "io.javaoperatorsdk..",
                "software.amazon..",
                "io.micrometer..",
                "com.fasterxml..")
            .because("the rule engine is pure Java with no I/O (see docs/architecture.md)");
    rule.check(MAIN);
  }

  @Test
  void engineDoesNoIo() {
    noClasses()
        .that()
        .resideInAPackage("dev.portcullis.engine..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.io..", "java.nio..", "java.net..")
        .because("the rule engine performs no I/O")
        .check(MAIN);
  }
}

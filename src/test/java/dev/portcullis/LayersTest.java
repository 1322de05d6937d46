package dev.portcullis;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Data flows one way: the two commands sit side by side on the shared layers below them. */
class LayersTest {
  static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.portcullis");

  @Test
  void theOperatorAndTheOfflineCommandDoNotUseEachOther() {
    noClasses()
        .that()
        .resideInAPackage("dev.portcullis.operator..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.portcullis.offline..")
        .check(MAIN);
    noClasses()
        .that()
        .resideInAPackage("dev.portcullis.offline..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.portcullis.operator..")
        .check(MAIN);
  }

  @Test
  void sharedLayersKnowNoCommandAndNoKubernetesClient() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.portcullis.sync..", "dev.portcullis.cloud..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.portcullis.operator..",
            "dev.portcullis.offline..",
            "io.javaoperatorsdk..",
            "io.fabric8.kubernetes.client..")
        .check(MAIN);
  }
}

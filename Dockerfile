# The image of every Lethe service: the slim services jar (services/target/lethe-services.jar),
# which holds the three services and none of the tooling (no Kafka broker, no embedded
# PostgreSQL, no bench or chaos harness, no test code; ServiceArtifactIT checks it).
# docker-compose.yml picks the main class per service; `docker run lethe:local deletion-api` works too.
#   docker build -t lethe:local .
# syntax=docker/dockerfile:1

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
# every module of the reactor must be present for Maven to read the build, even those not built here
COPY schemas/ schemas/
COPY runtime/ runtime/
COPY local-stack/ local-stack/
COPY customer-store/ customer-store/
COPY audit/ audit/
COPY deletion-api/ deletion-api/
COPY deletion-worker/ deletion-worker/
COPY retention-scanner/ retention-scanner/
COPY services/ services/
COPY cli-core/ cli-core/
COPY bench/ bench/
COPY chaos/ chaos/
COPY cli/ cli/
# the Maven cache survives rebuilds (BuildKit); tests run in CI, not in the image build
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests package -pl services -am

FROM eclipse-temurin:17-jre
# curl for the health checks in docker-compose.yml
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/lethe lethe \
    && mkdir -p /var/lib/lethe/blobs /var/lib/lethe/state && chown -R lethe /var/lib/lethe
COPY --from=build /src/services/target/lethe-services.jar /app/lethe.jar
USER lethe
WORKDIR /var/lib/lethe
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
# the argument names the service: deletion-api, deletion-worker or retention-scanner
ENTRYPOINT ["java", "-jar", "/app/lethe.jar"]

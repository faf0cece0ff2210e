# One image for every Lethe service: the CLI fat jar (cli/target/lethe-cli.jar) holds all of
# them; docker-compose.yml picks the main class per service.
#   docker build -t lethe:local .
# syntax=docker/dockerfile:1

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY schemas/ schemas/
COPY runtime/ runtime/
COPY local-stack/ local-stack/
COPY customer-store/ customer-store/
COPY deletion-api/ deletion-api/
COPY deletion-worker/ deletion-worker/
COPY retention-scanner/ retention-scanner/
COPY cli/ cli/
# the Maven cache survives rebuilds (BuildKit); tests run in CI, not in the image build
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests package -pl cli -am

FROM eclipse-temurin:17-jre
# curl for the health checks in docker-compose.yml
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/lethe lethe \
    && mkdir -p /var/lib/lethe/blobs /var/lib/lethe/state && chown -R lethe /var/lib/lethe
COPY --from=build /src/cli/target/lethe-cli.jar /app/lethe.jar
USER lethe
WORKDIR /var/lib/lethe
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/app/lethe.jar"]
CMD ["--help"]

-- The schema registry's own database (docker-compose.yml's schema-registry service). The postgres
-- image runs this once, when it initialises an empty data volume.
CREATE DATABASE registry OWNER lethe;

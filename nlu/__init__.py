"""Natural-language understanding: the Rasa project (config.yml, domain.yml, data/) and its Python
side - the bot's HTTP client (`nlu.client`), training and serving (`nlu.manage`), evaluation
(`nlu.evaluate`) and the latency benchmark (`nlu.bench`)."""

package io.pricewatch.esnode;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;

/** The {@code cjk_bigram} and {@code cjk_width} token filters, for custom analyzers built on them. */
final class CjkFilterFactories {

    private CjkFilterFactories() {}

    static final class Bigram extends AbstractTokenFilterFactory {
        private final boolean outputUnigrams;

        Bigram(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name, settings);
            outputUnigrams = settings.getAsBoolean("output_unigrams", false);
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            int scripts = CJKBigramFilter.HAN | CJKBigramFilter.HIRAGANA | CJKBigramFilter.KATAKANA | CJKBigramFilter.HANGUL;
            return new CJKBigramFilter(tokenStream, scripts, outputUnigrams);
        }
    }

    static final class Width extends AbstractTokenFilterFactory {
        Width(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name, settings);
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            return new CJKWidthFilter(tokenStream);
        }
    }
}

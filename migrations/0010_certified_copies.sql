-- Certified electronic copies (bản sao điện tử chứng thực từ bản chính) are results too: they
-- carry a result code, the desk's signature and seal, and land in the holder's repository.
alter table results drop constraint results_kind_check;
alter table results add constraint results_kind_check check (kind in ('certificate', 'licence', 'written_reply', 'refusal_decision', 'certified_copy'));
